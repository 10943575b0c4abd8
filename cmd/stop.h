/* stop.h - SIGINT, SIGTERM and SIGHUP as a request to stop: loops check it, finish
 * what they hold (the summary, the -w file, the nftables table), and the
 * command exits 128 + the signal. */
#ifndef CMD_STOP_H
#define CMD_STOP_H

/* Catches both signals from now on (without SA_RESTART: waits return). */
void stop_catch(void);
/* The signal that asked to stop, or 0. */
int stop_requested(void);
/* Back to the default actions. */
void stop_release(void);

#endif
