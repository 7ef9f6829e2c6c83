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
	char *p, *s;
	int rc = 0;
	struct stat st;

	if (!dir || !*dir)
		return kerr_set(err, KERR_USAGE, "empty directory name");
	p = xstrdup(dir);
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, (mode_t)mode) < 0) {
				int e = errno;
				/* EEXIST is fine only for a directory */
				if (e != EEXIST || stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
					rc = kerr_set(err, e == EACCES ? KERR_AUTH : KERR_FAIL,
						      "cannot create directory %s: %s", p,
						      strerror(e == EEXIST ? ENOTDIR : e));
					break;
				}
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
	size_t n = strlen(path);

	/* as dirname(3): trailing slashes and the last component go */
	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	if (n == 0)
		return xstrdup(".");
	while (n > 1 && path[n - 1] == '/')
		n--;
	return xstrndup(path, n);
}

int path_write_atomic(const char *path, const void *data, size_t len, int mode,
		      struct kerr *err)
{
	char *dir = path_dirname(path);
	/* A unique temporary in the same directory, so rename is atomic and
	 * two writers (threads or processes) never share a temp file. */
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	const char *p = data;
	int fd, dfd, rc = -1, e;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		kerr_set(err, e == EACCES ? KERR_AUTH : e == ENOENT ? KERR_NOTFOUND : KERR_FAIL,
			 "cannot write %s: %s", path, strerror(e));
		goto out;
	}
	/* mkostemp creates 0600; set exactly the mode asked for. */
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
	/* Make the rename itself durable. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
	goto out;
fail_errno:
	e = errno;
	kerr_set(err, KERR_FAIL, "cannot write %s: %s", path, strerror(e));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(dir);
	return rc;
}
