/* paths.c - XDG base directories and file helpers. */
#include "lib/paths.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *path_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return xstrdup(home);
	pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

/* $VAR/kurator when VAR is an absolute path (the XDG spec ignores relative
 * values), else ~/FALLBACK/kurator. */
static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	char *home, *res;

	if (v && v[0] == '/')
		return xasprintf("%s/kurator", v);
	home = path_home();
	res = xasprintf("%s/%s/kurator", home, fallback);
	free(home);
	return res;
}

char *path_config_dir(void)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config");
}

char *path_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}

char *path_cache_dir(void)
{
	return xdg_dir("XDG_CACHE_HOME", ".cache");
}

char *path_runtime_dir(void)
{
	const char *v = getenv("XDG_RUNTIME_DIR");

	if (v && v[0] == '/')
		return xasprintf("%s/kurator", v);
	return path_state_dir();
}

int path_mkdirs(const char *dir, int mode, struct kerr *err)
{
	char *p = xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
				rc = kerr_set(err, KERR_FAIL, "cannot create directory %s: %s",
					      p, strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

char *path_join(const char *dir, const char *rel)
{
	size_t len;

	if (!rel || rel[0] == '/' || !dir || !*dir)
		return xstrdup(rel ? rel : dir);
	len = strlen(dir);
	return xasprintf("%s%s%s", dir, len && dir[len - 1] == '/' ? "" : "/", rel);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int path_write_atomic(const char *path, const void *data, size_t len, int mode,
		      struct kerr *err)
{
	char *dir = path_dirname(path);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	const char *p = data;
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		kerr_set(err, KERR_FAIL, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	/* The umask may have narrowed or widened nothing; force the mode. */
	if (fchmod(fd, (mode_t)mode) < 0)
		goto fail_errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail_errno;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail_errno;
	if (close(fd) < 0) {
		fd = -1;
		goto fail_errno;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail_errno;
	rc = 0;
	goto out;
fail_errno:
	kerr_set(err, KERR_FAIL, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(dir);
	return rc;
}
