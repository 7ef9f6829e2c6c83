/* history.c - persistent, redacted shell history (see history.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <readline/history.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/history.h"

#define HISTORY_MAX 2000

static char *hist_file;

char *history_path(void)
{
	char *dir = path_state_dir();
	char *p = path_join(dir, "history");

	free(dir);
	return p;
}

/* Flags whose value is a secret, in both "--f v" and "--f=v" forms. */
static const char *const secret_flags[] = {
	"--token", "--password", "--client-key", "--client-key-data", "--secret",
	"--bearer-token", "--auth-token", "--join-token", "--passphrase", NULL
};

static int is_secret_flag(const char *w, size_t len)
{
	for (size_t i = 0; secret_flags[i]; i++)
		if (strlen(secret_flags[i]) == len && !strncmp(w, secret_flags[i], len))
			return 1;
	return 0;
}

/* key=value where the key names a secret (for --set and friends). */
static int secret_key(const char *kv, size_t keylen)
{
	static const char *const words[] = { "password", "token", "secret", "key", "passwd", NULL };
	char *k = xstrndup(kv, keylen);
	int hit = 0;

	for (char *p = k; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (size_t i = 0; words[i] && !hit; i++)
		hit = strstr(k, words[i]) != NULL;
	free(k);
	return hit;
}

char *history_redact(const char *line)
{
	struct strbuf out = STRBUF_INIT;
	char **argv = NULL;
	int argc = 0, redact_next = 0;
	char *copy;

	/* Word-wise first (the flags), then log_redact for what is left. */
	if (cmd_split_line(line, &argc, &argv, NULL) == 0 && argc > 0) {
		int changed = 0;

		for (int i = 0; i < argc; i++) {
			const char *w = argv[i];
			const char *eq = strchr(w, '=');

			if (i)
				strbuf_addch(&out, ' ');
			if (redact_next) {
				strbuf_addstr(&out, "<redacted>");
				redact_next = 0;
				changed = 1;
				continue;
			}
			if (w[0] == '-' && eq && is_secret_flag(w, eq - w)) {
				strbuf_add(&out, w, eq - w + 1);
				strbuf_addstr(&out, "<redacted>");
				changed = 1;
				continue;
			}
			if (w[0] == '-' && !eq && is_secret_flag(w, strlen(w))) {
				redact_next = 1;
				strbuf_addstr(&out, w);
				continue;
			}
			if (w[0] != '-' && eq && i > 0 && !strcmp(argv[i - 1], "--set") &&
			    secret_key(w, eq - w)) {
				strbuf_add(&out, w, eq - w + 1);
				strbuf_addstr(&out, "<redacted>");
				changed = 1;
				continue;
			}
			if (!strncmp(w, "--set=", 6) && eq && strchr(eq + 1, '=') &&
			    secret_key(eq + 1, strchr(eq + 1, '=') - eq - 1)) {
				strbuf_add(&out, w, strchr(eq + 1, '=') - w + 1);
				strbuf_addstr(&out, "<redacted>");
				changed = 1;
				continue;
			}
			/* keep the word as typed when it needs no quoting */
			if (strpbrk(w, " \t'\"\\#") || !*w) {
				strbuf_addch(&out, '\'');
				for (const char *p = w; *p; p++) {
					if (*p == '\'')
						strbuf_addstr(&out, "'\\''");
					else
						strbuf_addch(&out, *p);
				}
				strbuf_addch(&out, '\'');
			} else {
				strbuf_addstr(&out, w);
			}
		}
		if (!changed) {
			/* nothing secret in flags: keep the user's own spelling */
			strbuf_reset(&out);
			strbuf_addstr(&out, line);
		}
	} else {
		strbuf_addstr(&out, line);
	}
	cmd_argv_free(argv);
	copy = strbuf_detach(&out, NULL);
	log_redact(copy);
	return copy;
}

int history_open(struct kerr *err)
{
	char *dir = path_state_dir();

	free(hist_file);
	hist_file = history_path();
	using_history();
	stifle_history(HISTORY_MAX);
	if (path_mkdirs(dir, 0700, err) < 0) {
		free(dir);
		return -1;
	}
	free(dir);
	/* ENOENT is the first run */
	read_history(hist_file);
	return 0;
}

void history_add_line(const char *line)
{
	HIST_ENTRY *last;
	char *r;
	size_t n;

	if (!line)
		return;
	n = strspn(line, " \t");
	if (!line[n])
		return;
	r = history_redact(line);
	last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (!last || strcmp(last->line, r)) {
		add_history(r);
		if (hist_file) {
			/* created 0600 from the start: never world-readable */
			int fd = open(hist_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

			if (fd >= 0) {
				fchmod(fd, 0600);
				if (write(fd, r, strlen(r)) < 0 || write(fd, "\n", 1) < 0)
					log_warn("history: cannot append to %s", hist_file);
				close(fd);
			}
		}
	}
	free(r);
}

void history_close(void)
{
	if (hist_file)
		history_truncate_file(hist_file, HISTORY_MAX);
	free(hist_file);
	hist_file = NULL;
}
