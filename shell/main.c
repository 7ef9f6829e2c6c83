/* main.c - kurator's entry point: the TUI on a terminal with no command,
 * `kurator shell` for the readline shell, `kurator COMMAND ...` one-shot.
 *
 * Global options may come before the command (--kubeconfig FILE,
 * --context NAME, -n NS, also in their --x=v forms); after the command
 * they are parsed with the command's own options (shell/cmd.c).
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/strbuf.h"
#include "shell/cmd.h"
#include "shell/session.h"
#include "tui/tui.h"

static struct session *main_s;
static volatile sig_atomic_t sigints;

static void on_sigint(int sig)
{
	(void)sig;
	/* first Ctrl-C cancels the command; a third one means "now" */
	if (++sigints >= 3)
		_exit(130);
	if (main_s)
		session_sigint(main_s);
}

static void usage(FILE *f)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "usage: kurator [--kubeconfig FILE] [--context NAME] [-n NS] [COMMAND [ARGS]]\n\n"
		      "Without a command on a terminal: the full-screen UI.\n"
		      "`kurator shell`: the same commands in a readline shell.\n\nCommands:\n");
	for (size_t i = 0; cmd_table[i]; i++)
		if (!(cmd_table[i]->flags & CMD_F_HIDDEN))
			strbuf_addf(&sb, "  %-12s %s\n", cmd_table[i]->name,
				    cmd_table[i]->summary ? cmd_table[i]->summary : "");
	strbuf_addstr(&sb, "\n`kurator COMMAND -h` shows a command's options.\n");
	fputs(sb.buf, f);
	strbuf_release(&sb);
}

/* A global option before the command: returns words consumed (0 if w is
 * not one, -1 on a missing value). */
static int global_opt(int argc, char **argv, int i, const char **kc, const char **ctx,
		      const char **ns)
{
	static const struct { const char *name; int which; } longs[] = {
		{ "--kubeconfig", 0 }, { "--context", 1 }, { "--namespace", 2 }, { "-n", 2 },
	};
	const char **dst[3] = { kc, ctx, ns };
	const char *w = argv[i];

	for (size_t k = 0; k < sizeof(longs) / sizeof(longs[0]); k++) {
		size_t l = strlen(longs[k].name);

		if (strncmp(w, longs[k].name, l))
			continue;
		if (w[l] == '=') {
			*dst[longs[k].which] = w + l + 1;
			return 1;
		}
		if (!w[l]) {
			if (i + 1 >= argc)
				return -1;
			*dst[longs[k].which] = argv[i + 1];
			return 2;
		}
		if (longs[k].which == 2 && l == 2) {   /* -nNS */
			*dst[2] = w + 2;
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *kc = NULL, *ctx = NULL, *ns = NULL;
	struct sigaction sa = { 0 };
	struct session *s;
	enum session_mode mode;
	int i = 1, rc;

	setlocale(LC_ALL, "");
	log_open(NULL);
	while (i < argc) {
		int n = global_opt(argc, argv, i, &kc, &ctx, &ns);

		if (n < 0) {
			fprintf(stderr, "error: flag needs an argument: %s\n", argv[i]);
			return 2;
		}
		if (!n)
			break;
		i += n;
	}
	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (i < argc && !strcmp(argv[i], "--version")) {
		printf("kurator %s\n", KURATOR_VERSION);
		return 0;
	}
	if (i < argc && argv[i][0] == '-') {
		fprintf(stderr, "error: unknown flag: %s (try: kurator -h)\n", argv[i]);
		return 2;
	}
	if (i == argc && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) {
		usage(stderr);
		return 2;
	}
	mode = i == argc ? SESSION_TUI : !strcmp(argv[i], "shell") ? SESSION_SHELL : SESSION_ONESHOT;
	s = session_new(mode);
	session_set_tui(s, tui_main);
	session_set_globals(s, kc, ctx, ns);
	main_s = s;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	if (mode == SESSION_TUI) {
		rc = tui_main(s);
	} else {
		rc = session_run_argv(s, argc - i, argv + i);
	}
	main_s = NULL;
	session_free(s);
	log_close();
	return rc;
}
