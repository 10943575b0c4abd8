/* privs.h - root only as long as it takes to open sockets and captures. */
#ifndef CMD_PRIVS_H
#define CMD_PRIVS_H

#include <stdbool.h>

/* Checks -Z USER before anything is opened: exit 2 for an unknown user. */
int privs_check_user(const char *user);

/* Once every socket and capture is open, and before any reply is read:
 * from root to `user` (NULL: nobody; "root": stay), with that user's group
 * and no other.  `keep_net_admin` keeps CAP_NET_ADMIN, passed on to the
 * programs it runs (nft, to remove --block-rst's table at the end).  Not
 * root: nothing to do.  An exit code, after reporting. */
int privs_drop(const char *user, bool keep_net_admin);

/* With file capabilities (make setcap) rather than root: passes
 * CAP_NET_ADMIN on to the programs it runs (nft).  -1 if it has none. */
int privs_share_net_admin(void);

#endif
