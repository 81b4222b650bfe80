// SPDX-License-Identifier: MIT
/*
 * ptlab-exec-target: the program that create's fork_exec and posix_spawn
 * execute. It exits at once, so that what they time is the creation and
 * the exec, not a program's start-up. The Makefile links it statically
 * where the C library allows (no dynamic loader, no library to map), as
 * the small programs of lmbench's lat_proc are; ptlab itself, with its
 * libraries, is the separate figure fork_exec_self.
 */
#include <unistd.h>

int main(void)
{
	_exit(0);
}
