/* complete.h - completion of kurator command lines, for readline (the
 * shell and the TUI's shell pane) and for tests.
 *
 * Completes command and subcommand names, options, option values and
 * positionals from the command table's declarations (enum cmd_comp):
 * contexts from the kubeconfig; namespaces, kinds, resource names and
 * containers fetched live from the target cluster (--context / -n on the
 * line, else the session's) and cached for a few seconds. A live fetch
 * never blocks completion longer than COMPLETE_TIMEOUT_MS: a slow cluster
 * gives no candidates now and fills the cache for the next Tab.
 *
 * Owner: shell/complete.c. Main thread only (the fetches run on their own
 * threads and only touch their own data).
 */
#ifndef KURATOR_SHELL_COMPLETE_H
#define KURATOR_SHELL_COMPLETE_H

#define COMPLETE_TIMEOUT_MS 1500
#define COMPLETE_CACHE_MS   5000

struct session;

/* Candidates for the word ending at the end of `before` (the text left of
 * the cursor). Returns a NULL-terminated, malloc'd array of malloc'd
 * strings (caller frees with cmd_argv_free), already filtered by the
 * word's prefix; *want_files is set when file names should be offered
 * instead. NULL when nothing applies. */
char **complete_candidates(struct session *s, const char *before, int *want_files);

/* Install the readline hooks (attempted completion function, word break
 * characters). The caller sets rl_readline_name and its display hook. */
void complete_readline_setup(struct session *s);

/* Wait (bounded) for live fetches still running; drop the cache. */
void complete_shutdown(void);

#endif
