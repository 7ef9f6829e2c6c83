/* keys.c - key binding tables (tmux key-bindings.c, tig's tigrc).
 *
 * Defaults are data: table, key, action (a line of the TUI's command
 * language) and a help text. `?` lists them, the README documents them,
 * and users add or override bindings in $XDG_CONFIG_HOME/kurator/keys:
 *     bind tree x logs
 *     bind global C-t theme light
 * A binding in a pane's table wins over the global table.
 */
#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/paths.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "tui/app.h"

static const struct key_binding defaults[] = {
	{ "global", "q", "quit", "quit kurator" },
	{ "global", "C-c", "quit", "quit (in the shell: cancel the command)" },
	{ "global", ":", "focus shell", "go to the shell pane" },
	{ "global", "/", "filter", "filter the tree / search the logs" },
	{ "global", "?", "help", "this help" },
	{ "global", "F1", "help", "this help" },
	{ "global", "Tab", "focus next", "next pane" },
	{ "global", "BTab", "focus prev", "previous pane" },
	{ "global", "1", "focus tree", "go to the tree" },
	{ "global", "2", "focus details", "go to the details pane" },
	{ "global", "3", "focus metrics", "go to the metrics pane" },
	{ "global", "4", "focus logs", "go to the logs pane" },
	{ "global", "5", "focus shell", "go to the shell pane" },
	{ "global", "i", "install", "install a component (wizard)" },
	{ "global", "C-l", "redraw", "redraw the screen" },
	{ "global", "t", "theme next", "switch to the next theme" },

	{ "tree", "Up", "cursor-up", "previous row" },
	{ "tree", "k", "cursor-up", "previous row" },
	{ "tree", "Down", "cursor-down", "next row" },
	{ "tree", "j", "cursor-down", "next row" },
	{ "tree", "Left", "collapse", "collapse, or go to the parent" },
	{ "tree", "h", "collapse", "collapse, or go to the parent" },
	{ "tree", "Right", "expand", "expand" },
	{ "tree", "Enter", "toggle", "expand/collapse and select" },
	{ "tree", "Space", "toggle", "expand/collapse and select" },
	{ "tree", "l", "logs", "logs of the selected pod (or its workload's first pod)" },
	{ "tree", "PageUp", "page-up", "one page up" },
	{ "tree", "PageDown", "page-down", "one page down" },
	{ "tree", "g", "top", "first row" },
	{ "tree", "Home", "top", "first row" },
	{ "tree", "G", "bottom", "last row" },
	{ "tree", "End", "bottom", "last row" },
	{ "tree", "Escape", "clear-filter", "clear the filter" },

	{ "logs", "Up", "scroll-up", "scroll up (stops following)" },
	{ "logs", "k", "scroll-up", "scroll up (stops following)" },
	{ "logs", "Down", "scroll-down", "scroll down" },
	{ "logs", "j", "scroll-down", "scroll down" },
	{ "logs", "Left", "scroll-left", "scroll left (no wrap)" },
	{ "logs", "h", "scroll-left", "scroll left (no wrap)" },
	{ "logs", "Right", "scroll-right", "scroll right (no wrap)" },
	{ "logs", "l", "scroll-right", "scroll right (no wrap)" },
	{ "logs", "PageUp", "page-up", "one page up" },
	{ "logs", "PageDown", "page-down", "one page down" },
	{ "logs", "g", "top", "oldest line" },
	{ "logs", "G", "bottom", "newest line and follow" },
	{ "logs", "f", "follow", "follow new lines on/off" },
	{ "logs", "w", "wrap", "wrap long lines on/off" },
	{ "logs", "T", "timestamps", "timestamps on/off" },
	{ "logs", "n", "search-next", "next match" },
	{ "logs", "N", "search-prev", "previous match" },
	{ "logs", "c", "clear", "clear the buffer" },
	{ "logs", "J", "jobs", "show job output (installs)" },
	{ "logs", "Escape", "clear-filter", "clear the search" },

	{ "details", "Up", "scroll-up", "scroll up" },
	{ "details", "k", "scroll-up", "scroll up" },
	{ "details", "Down", "scroll-down", "scroll down" },
	{ "details", "j", "scroll-down", "scroll down" },

	{ "shell", "Escape", "focus prev", "leave the shell" },
	{ "shell", "BTab", "focus prev", "leave the shell" },
	{ "shell", "Tab", "complete", "complete (readline)" },
	{ "shell", "C-c", "cancel", "cancel the running command / clear the line" },
	{ "shell", "PageUp", "page-up", "scroll the output up" },
	{ "shell", "PageDown", "page-down", "scroll the output down" },

	{ "wizard", "Tab", "next-field", "next field" },
	{ "wizard", "BTab", "prev-field", "previous field" },
	{ "wizard", "Space", "toggle", "choose / tick" },
	{ "wizard", "Enter", "next-step", "next step (confirm at the end)" },
	{ "wizard", "Escape", "cancel", "close the wizard" },
};

static const struct {
	const char *name;
	int code;
} named[] = {
	{ "Tab", '\t' }, { "BTab", KEY_BTAB }, { "Enter", '\r' }, { "Space", ' ' },
	{ "Escape", 27 }, { "BSpace", KEY_BACKSPACE }, { "Up", KEY_UP }, { "Down", KEY_DOWN },
	{ "Left", KEY_LEFT }, { "Right", KEY_RIGHT }, { "PageUp", KEY_PPAGE },
	{ "PageDown", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "DC", KEY_DC }, { "IC", KEY_IC },
};

int keys_parse(const char *name)
{
	if (!name || !*name)
		return -1;
	if (!name[1])
		return (unsigned char)name[0];
	for (size_t i = 0; i < ARRAY_SIZE(named); i++)
		if (!strcmp(named[i].name, name))
			return named[i].code;
	if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] && !name[3]) {
		int c = tolower((unsigned char)name[2]);

		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
	}
	if (name[0] == 'F' && isdigit((unsigned char)name[1])) {
		int n = atoi(name + 1);

		if (n >= 1 && n <= 12)
			return KEY_F(n);
	}
	return -1;
}

const char *keys_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(named); i++) {
		if (named[i].code == key) {
			snprintf(buf, size, "%s", named[i].name);
			return buf;
		}
	}
	if (key == '\n' || key == KEY_ENTER)
		snprintf(buf, size, "Enter");
	else if (key >= 1 && key <= 26)
		snprintf(buf, size, "C-%c", 'a' + key - 1);
	else if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, size, "F%d", key - KEY_F(0));
	else if (key > 32 && key < 127)
		snprintf(buf, size, "%c", key);
	else
		snprintf(buf, size, "#%d", key);
	return buf;
}

struct user_binding {
	struct key_binding b;
	int code;
};
static struct user_binding *user;
static size_t nuser;
static const struct key_binding **all;

static int normalise(int key)
{
	/* Enter arrives as \r in raw mode, \n or KEY_ENTER elsewhere. */
	if (key == '\n' || key == KEY_ENTER)
		return '\r';
	if (key == 127 || key == 8)
		return KEY_BACKSPACE;
	return key;
}

const struct key_binding *keys_lookup(const char *table, int key)
{
	key = normalise(key);
	for (size_t i = nuser; i-- > 0;)
		if (user[i].code == key && !strcmp(user[i].b.table, table))
			return &user[i].b;
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		if (!strcmp(defaults[i].table, table) && keys_parse(defaults[i].key) == key)
			return &defaults[i];
	return NULL;
}

const struct key_binding *const *keys_all(void)
{
	size_t n = 0;

	free(all);
	all = xcalloc(ARRAY_SIZE(defaults) + nuser + 1, sizeof(*all));
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		all[n++] = &defaults[i];
	for (size_t i = 0; i < nuser; i++)
		all[n++] = &user[i].b;
	return all;
}

void keys_free_user(void)
{
	for (size_t i = 0; i < nuser; i++) {
		free((char *)user[i].b.table);
		free((char *)user[i].b.key);
		free((char *)user[i].b.action);
	}
	free(user);
	user = NULL;
	nuser = 0;
	free(all);
	all = NULL;
}

static int known_table(const char *t)
{
	static const char *const tables[] = { "global", "tree", "logs", "details",
					      "metrics", "shell", "wizard" };

	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		if (!strcmp(tables[i], t))
			return 1;
	return 0;
}

int keys_load_user(struct kerr *err)
{
	char *dir = path_config_dir(), *path;
	struct strbuf sb = STRBUF_INIT;
	int rc = 0, lineno = 0;
	char *line, *save = NULL;

	if (!dir)
		return 0;
	path = path_join(dir, "keys");
	free(dir);
	if (strbuf_read_file(&sb, path) < 0) {
		if (errno != ENOENT)
			rc = kerr_set(err, KERR_FAIL, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char table[32], key[32];
		int off = 0, code;

		lineno++;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		if (sscanf(line, "bind %31s %31s %n", table, key, &off) != 2 || !off ||
		    !line[off] || !known_table(table) || (code = keys_parse(key)) < 0) {
			rc = kerr_set(err, KERR_INVALID, "%s:%d: expected 'bind TABLE KEY ACTION'",
				      path, lineno);
			kerr_hint(err, "tables: global tree logs details metrics shell wizard; keys like q, C-x, Tab, F2");
			continue;
		}
		user = xrealloc(user, (nuser + 1) * sizeof(*user));
		user[nuser].b.table = xstrdup(table);
		user[nuser].b.key = xstrdup(key);
		user[nuser].b.action = xstrdup(line + off);
		user[nuser].b.help = "(yours)";
		user[nuser].code = normalise(code);
		nuser++;
	}
out:
	strbuf_release(&sb);
	free(path);
	return rc;
}
