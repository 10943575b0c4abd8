/* privs.c - dropping root the way tcpdump -Z does, without libcap. */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"

int privs_check_user(const char *user)
{
	if (user && !getpwnam(user)) {
		fail("-Z %s: no such user", user);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* No capability left but, with `net_admin`, CAP_NET_ADMIN in the permitted,
 * inheritable and ambient sets - not the effective one: this process does
 * not use it, only the nft it runs at the end does. */
static int keep_capabilities(bool net_admin)
{
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (net_admin)
		data[0].permitted = data[0].inheritable = 1u << CAP_NET_ADMIN;
	if (syscall(SYS_capset, &head, data) != 0)
		return -1;
	if (net_admin && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) != 0)
		return -1;
	/* Nothing it runs may gain more (setuid or file capabilities). */
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int privs_share_net_admin(void)
{
	if (geteuid() == 0)
		return 0;	/* what root runs has every capability anyway */
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &head, data) != 0 ||
	    !(data[0].permitted & (1u << CAP_NET_ADMIN)))
		return -1;
	data[0].inheritable |= 1u << CAP_NET_ADMIN;
	if (syscall(SYS_capset, &head, data) != 0)
		return -1;
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0);
}

/* uid and gid of `user`, with its group only; -1 with errno. */
static int become(const struct passwd *pw, bool keep)
{
	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return -1;
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return -1;
	return keep ? prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) : 0;
}

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer reads the process through /proc at exit; by then the
 * sockets are closed, so another process of USER gains nothing. */
static void dumpable_for_leak_check(void)
{
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}
#endif

int privs_drop(const char *user, bool keep_net_admin)
{
	const char *name = user ? user : "nobody";
	if (strcmp(name, "root") == 0 && geteuid() == 0)
		return EXIT_OK;		/* asked to stay */
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam(name);
		if (!pw && user) {
			fail("-Z %s: no such user", name);
			return EXIT_SYSTEM;
		}
		/* A user namespace may map no nobody, or refuse setgroups:
		 * then uid 0 stays, without capabilities. */
		if (!pw || become(pw, keep_net_admin) != 0) {
			if (pw && errno != EPERM && errno != EINVAL)
				goto fault;
			fprintf(stderr, "rawcraft: note: cannot become %s here (%s): staying "
				"uid 0 without capabilities\n", name, pw ? strerror(errno) :
				"no such user");
		}
	}
	/* Root dropped, or started with file capabilities (make setcap):
	 * either way, none left while replies are read. */
	if (keep_capabilities(keep_net_admin) != 0)
		goto fault;
#if defined(__SANITIZE_ADDRESS__)
	atexit(dumpable_for_leak_check);
#endif
	return EXIT_OK;
fault:
	fail("cannot drop privileges to %s: %s", name, strerror(errno));
	return EXIT_SYSTEM;
}
