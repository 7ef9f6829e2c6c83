/* paths.h - where kurator keeps things (XDG base directories).
 * Returned strings are malloc'd; the caller frees them.
 */
#ifndef KURATOR_PATHS_H
#define KURATOR_PATHS_H

#include <stddef.h>

#include "lib/err.h"

char *path_config_dir(void);   /* $XDG_CONFIG_HOME/kurator or ~/.config/kurator */
char *path_state_dir(void);    /* $XDG_STATE_HOME/kurator or ~/.local/state/kurator */
char *path_cache_dir(void);    /* $XDG_CACHE_HOME/kurator or ~/.cache/kurator */
char *path_runtime_dir(void);  /* $XDG_RUNTIME_DIR/kurator or state dir */
char *path_home(void);         /* $HOME or the passwd entry */

/* mkdir -p with the given mode for each created component. */
int path_mkdirs(const char *dir, int mode, struct kerr *err);
/* Join dir and rel; rel absolute is returned as is. */
char *path_join(const char *dir, const char *rel);
/* Directory part of path ("." when none). */
char *path_dirname(const char *path);
/* Write data to path atomically (temp file + rename) with mode (e.g. 0600). */
int path_write_atomic(const char *path, const void *data, size_t len, int mode,
		      struct kerr *err);

#endif
