/* stop.c - one flag for SIGINT and SIGTERM, safe from any thread. */
#include "stop.h"

#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>

static _Atomic int stop_signal;

static void on_stop(int sig)
{
	atomic_store(&stop_signal, sig);
}

void stop_catch(void)
{
	struct sigaction sa = { .sa_handler = on_stop };
	sigemptyset(&sa.sa_mask);
	atomic_store(&stop_signal, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int stop_requested(void)
{
	return atomic_load(&stop_signal);
}

void stop_release(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}
