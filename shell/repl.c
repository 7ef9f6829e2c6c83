/* repl.c - the readline shell (see repl.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "lib/xalloc.h"
#include "shell/complete.h"
#include "shell/history.h"
#include "shell/repl.h"
#include "shell/session.h"

static struct session *repl_s;
static int sig_pipe[2] = { -1, -1 };
static int repl_quit;

static void on_sigint(int sig)
{
	int saved = errno;
	char c = 'i';

	(void)sig;
	if (repl_s)
		session_sigint(repl_s);
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: one pending wake-up is enough */
	}
	errno = saved;
}

int shell_repl_active(void)
{
	return repl_s != NULL;
}

char *shell_prompt(struct session *s)
{
	const char *ctx = session_context(s);
	const char *ns = session_namespace(s);

	if (!ctx)
		return xstrdup("kurator> ");
	if (ns && strcmp(ns, "default"))
		return xasprintf("kurator %s/%s> ", ctx, ns);
	return xasprintf("kurator %s> ", ctx);
}

static int is_exit(const char *line)
{
	size_t n = strspn(line, " \t");
	const char *w = line + n;
	size_t len = strcspn(w, " \t");

	return (len == 4 && !strncmp(w, "exit", 4)) || (len == 4 && !strncmp(w, "quit", 4));
}

static void on_line(char *line)
{
	char *prompt;

	if (!line) {
		/* Ctrl-D on an empty line */
		repl_quit = 1;
		rl_callback_handler_remove();
		fputc('\n', stdout);
		return;
	}
	history_add_line(line);
	if (is_exit(line)) {
		repl_quit = 1;
		rl_callback_handler_remove();
		free(line);
		return;
	}
	session_run_line(repl_s, line);
	free(line);
	fflush(stdout);
	/* a Ctrl-C that cancelled the command is spent */
	if (sig_pipe[0] >= 0) {
		char buf[64];

		while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
			;
	}
	session_sigint_clear(repl_s);
	prompt = shell_prompt(repl_s);
	rl_set_prompt(prompt);
	free(prompt);
}

static int run_plain(struct session *s)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n && line[n - 1] == '\n')
			line[n - 1] = 0;
		if (is_exit(line))
			break;
		if (!line[strspn(line, " \t")])
			continue;
		status = session_run_line(s, line);
	}
	free(line);
	return status;
}

int shell_repl(struct session *s)
{
	struct sigaction sa = { 0 }, old_int;
	struct kerr err = { 0 };
	char *prompt;

	repl_s = s;
	if (!isatty(STDIN_FILENO)) {
		sa.sa_handler = on_sigint;
		sigaction(SIGINT, &sa, &old_int);
		int st = run_plain(s);

		sigaction(SIGINT, &old_int, NULL);
		repl_s = NULL;
		return st;
	}
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		sig_pipe[0] = sig_pipe[1] = -1;
	if (history_open(&err) < 0)
		fprintf(stderr, "warning: history not kept: %s\n", err.msg);
	rl_readline_name = "kurator";
	rl_catch_signals = 0;
	complete_readline_setup(s);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);

	repl_quit = 0;
	prompt = shell_prompt(s);
	rl_callback_handler_install(prompt, on_line);
	free(prompt);
	while (!repl_quit) {
		struct pollfd p[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = sig_pipe[0], .events = POLLIN },
		};
		int n = poll(p, sig_pipe[0] >= 0 ? 2 : 1, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (sig_pipe[0] >= 0 && (p[1].revents & POLLIN)) {
			char buf[64];

			while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
				;
			/* Ctrl-C at the prompt: drop the line, fresh prompt */
			session_sigint_clear(s);
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_replace_line("", 0);
			fputs("^C\n", stdout);
			rl_on_new_line();
			rl_redisplay();
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			rl_callback_read_char();
	}
	if (!repl_quit)
		rl_callback_handler_remove();
	sigaction(SIGINT, &old_int, NULL);
	history_close();
	complete_shutdown();
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
	repl_s = NULL;
	return session_last_status(s);
}
