/* privs.c - dropping root the way tcpdump -Z does, without libcap. */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"

static const char *user_or_default(const char *user)
{
	return user ? user : "nobody";
}

int privs_check_user(const char *user)
{
	if (user && !getpwnam(user)) {
		fail("-Z %s: no such user", user);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* Permitted, effective and inheritable CAP_NET_ADMIN, and ambient, so
 * that an exec'd nft has it too. */
static int keep_only_net_admin(void)
{
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	data[0].permitted = data[0].effective = data[0].inheritable = 1u << CAP_NET_ADMIN;
	if (syscall(SYS_capset, &head, data) != 0)
		return -1;
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0);
}

int privs_drop(const char *user, bool keep_net_admin)
{
	const char *name = user_or_default(user);
	if (geteuid() != 0 || strcmp(name, "root") == 0)
		return EXIT_OK;
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		fail("-Z %s: no such user", name);
		return EXIT_SYSTEM;
	}
	if (keep_net_admin && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		goto fault;
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		goto fault;
	if (keep_net_admin && keep_only_net_admin() != 0)
		goto fault;
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer reads its own memory through /proc at exit. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	return EXIT_OK;
fault:
	fail("cannot drop root for user %s: %s", name, strerror(errno));
	return EXIT_SYSTEM;
}
