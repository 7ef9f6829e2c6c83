/* kubeconfig_util.c - the small pieces under the kubeconfig code: the
 * sorted name maps, Go-compatible base64, path resolution like Go's
 * filepath.Join/Clean, and bounded reads of the files a kubeconfig names.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kube/kubeconfig_int.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

/* ---- maps ------------------------------------------------------------------- */

static size_t map_pos(const struct kc_map *m, const char *name, int *found)
{
	size_t lo = 0, hi = m->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->v[mid].name, name);
		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct kc_entry *kc_map_find(const struct kc_map *m, const char *name)
{
	int found;
	size_t i;

	if (!name)
		return NULL;
	i = map_pos(m, name, &found);
	return found ? &m->v[i] : NULL;
}

int kc_map_add(struct kc_map *m, const char *name, json_t *obj, const char *file,
	       const char *dir)
{
	int found;
	size_t i = map_pos(m, name, &found);

	if (found)
		return 0;
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 8;
		m->v = xrealloc(m->v, m->alloc * sizeof *m->v);
	}
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof *m->v);
	m->v[i].name = xstrdup(name);
	m->v[i].obj = obj;
	m->v[i].file = xstrdup(file);
	m->v[i].dir = xstrdup(dir);
	m->n++;
	return 1;
}

void kc_map_release(struct kc_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		json_decref(m->v[i].obj);
		free(m->v[i].file);
		free(m->v[i].dir);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* ---- base64 --------------------------------------------------------------- */

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* Mirrors Go's base64.StdEncoding.Decode, including where it reports errors. */
int kc_b64_decode(const char *in, char **out, size_t *out_len, size_t *bad_at)
{
	size_t n = strlen(in), si = 0, o = 0;
	unsigned char *buf = xmalloc(n / 4 * 3 + 4);

	for (;;) {
		unsigned val[4] = { 0 };
		size_t j = 0;
		int pad = 0;

		while (j < 4) {
			unsigned char c;
			if (si == n) {
				if (j == 0)
					goto done;
				*bad_at = si - j;
				goto fail;
			}
			c = (unsigned char)in[si++];
			if (c == '\n' || c == '\r')
				continue;
			if (c == '=') {
				if (j < 2) {
					*bad_at = si - 1;
					goto fail;
				}
				if (j == 2) {
					while (si < n && (in[si] == '\n' || in[si] == '\r'))
						si++;
					if (si == n) {
						*bad_at = n;
						goto fail;
					}
					if (in[si] != '=') {
						*bad_at = si - 1;
						goto fail;
					}
					si++;
				}
				while (si < n && (in[si] == '\n' || in[si] == '\r'))
					si++;
				if (si < n) {
					*bad_at = si;
					goto fail;
				}
				pad = 1;
				break;
			}
			if (b64_val(c) < 0) {
				*bad_at = si - 1;
				goto fail;
			}
			val[j++] = (unsigned)b64_val(c);
		}
		{
			unsigned long v = (unsigned long)val[0] << 18 | val[1] << 12 | val[2] << 6 | val[3];
			buf[o++] = (unsigned char)(v >> 16);
			if (j > 2)
				buf[o++] = (unsigned char)(v >> 8);
			if (j > 3)
				buf[o++] = (unsigned char)v;
		}
		if (pad)
			break;
	}
done:
	buf[o] = '\0';
	*out = (char *)buf;
	*out_len = o;
	return 0;
fail:
	free(buf);
	*out = NULL;
	*out_len = 0;
	return -1;
}

char *kc_b64_encode(const void *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *q = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*q++ = tab[s[i] >> 2];
		*q++ = tab[(s[i] & 3) << 4 | s[i + 1] >> 4];
		*q++ = tab[(s[i + 1] & 15) << 2 | s[i + 2] >> 6];
		*q++ = tab[s[i + 2] & 63];
	}
	if (i < len) {
		*q++ = tab[s[i] >> 2];
		if (i + 1 < len) {
			*q++ = tab[(s[i] & 3) << 4 | s[i + 1] >> 4];
			*q++ = tab[(s[i + 1] & 15) << 2];
		} else {
			*q++ = tab[(s[i] & 3) << 4];
			*q++ = '=';
		}
		*q++ = '=';
	}
	*q = '\0';
	return out;
}

/* ---- paths ---------------------------------------------------------------- */

char *kc_abs_dir(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir, *abs;
	char cwd[PATH_MAX];

	if (!slash)
		dir = xstrdup(".");
	else if (slash == file)
		dir = xstrdup("/");
	else
		dir = xstrndup(file, (size_t)(slash - file));
	if (dir[0] == '/')
		return dir;
	if (!getcwd(cwd, sizeof cwd)) {
		/* no cwd: keep it relative, which is what Go would do too */
		return dir;
	}
	abs = !strcmp(dir, ".") ? xstrdup(cwd) : xasprintf("%s/%s", cwd, dir);
	free(dir);
	return abs;
}

/* Lexical clean like Go's filepath.Clean, on an absolute or relative path. */
static char *clean_path(const char *p)
{
	size_t n = strlen(p), o = 0, i = 0;
	int abs = p[0] == '/';
	char *out = xmalloc(n + 2);

	if (abs)
		out[o++] = '/';
	while (i < n) {
		size_t j = i, len;
		while (j < n && p[j] != '/')
			j++;
		len = j - i;
		if (len == 0 || (len == 1 && p[i] == '.')) {
			/* skip */
		} else if (len == 2 && p[i] == '.' && p[i + 1] == '.') {
			size_t base = abs ? 1 : 0;
			size_t k = o;
			int has_prev = o > base && !(o - base >= 2 && out[o - 1] == '.' && out[o - 2] == '.' &&
						    (o - base == 2 || out[o - 3] == '/'));
			if (has_prev) {
				while (k > base && out[k - 1] != '/')
					k--;
				o = k > base ? k - 1 : base;
			} else if (!abs) {
				if (o > base)
					out[o++] = '/';
				out[o++] = '.';
				out[o++] = '.';
			}
		} else {
			if (o > (size_t)(abs ? 1 : 0))
				out[o++] = '/';
			memcpy(out + o, p + i, len);
			o += len;
		}
		i = j + 1;
	}
	if (!o)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

char *kc_resolve(const char *dir, const char *path)
{
	char *joined, *clean;

	if (!path)
		return NULL;
	if (!*path)
		return xstrdup(path);
	if (path[0] == '/' || !dir)
		return clean_path(path);
	joined = xasprintf("%s/%s", dir, path);
	clean = clean_path(joined);
	free(joined);
	return clean;
}

int kc_read_file(const char *path, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			strbuf_release(&sb);
			errno = e;
			return -1;
		}
		if (!r)
			break;
		if (sb.len + (size_t)r > KC_FILE_MAX) {
			close(fd);
			if (sb.alloc)
				memset(sb.buf, 0, sb.alloc);
			strbuf_release(&sb);
			errno = EFBIG;
			return -1;
		}
		strbuf_add(&sb, buf, (size_t)r);
	}
	close(fd);
	memset(buf, 0, sizeof buf);
	*out = strbuf_detach(&sb, len);
	return 0;
}
