/* cmd-demo.c - `demo [start]`, `demo stop`, `demo status`: a local fleet
 * to try kurator on, served by kurator-sim in the background.
 *
 * Clusters host, member1 and member2 (plus edge nodes on each), state in
 * $XDG_STATE_HOME/kurator/demo (0700): the simulator's kubeconfig, its
 * saved objects, a PID file and its log. ~/.kube/config is never touched:
 * the session switches to the demo's kubeconfig. On a terminal the TUI
 * opens on it; otherwise kurator says how to use it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/kube/kubeconfig.h"
#include "lib/paths.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/session.h"

#define DEMO_CLUSTERS "host,member1,member2"

struct demo_paths {
	char *dir, *kubeconfig, *pidfile, *log, *state;
};

static void demo_paths(struct demo_paths *p)
{
	char *state = path_state_dir();

	p->dir = path_join(state, "demo");
	p->kubeconfig = path_join(p->dir, "kubeconfig");
	p->pidfile = path_join(p->dir, "sim.pid");
	p->log = path_join(p->dir, "sim.log");
	p->state = path_join(p->dir, "state");
	free(state);
}

static void demo_paths_free(struct demo_paths *p)
{
	free(p->dir);
	free(p->kubeconfig);
	free(p->pidfile);
	free(p->log);
	free(p->state);
}

/* The simulator next to this binary (installed side by side, or the
 * build tree's sim/), or $KURATOR_SIM. */
static char *find_sim(struct kerr *err)
{
	const char *env = getenv("KURATOR_SIM");
	char self[4096];
	ssize_t n;

	if (env && *env) {
		if (access(env, X_OK) == 0)
			return xstrdup(env);
		kerr_set(err, KERR_NOTFOUND, "KURATOR_SIM=%s is not an executable", env);
		return NULL;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *dir, *cand;
		static const char *const rel[] = { "kurator-sim", "sim/kurator-sim", "../sim/kurator-sim" };

		self[n] = 0;
		dir = path_dirname(self);
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			cand = path_join(dir, rel[i]);
			if (access(cand, X_OK) == 0) {
				free(dir);
				return cand;
			}
			free(cand);
		}
		free(dir);
	}
	kerr_set(err, KERR_NOTFOUND, "kurator-sim not found next to kurator");
	kerr_hint(err, "set KURATOR_SIM=/path/to/kurator-sim");
	return NULL;
}

/* The PID in the file when that process is a live kurator-sim, else 0. */
static pid_t running_pid(const struct demo_paths *p)
{
	struct strbuf sb = STRBUF_INIT;
	char proc[64];
	pid_t pid = 0;

	if (strbuf_read_file(&sb, p->pidfile) < 0)
		return 0;
	pid = (pid_t)strtol(sb.buf, NULL, 10);
	strbuf_reset(&sb);
	if (pid <= 0 || kill(pid, 0) < 0) {
		strbuf_release(&sb);
		return 0;
	}
	/* a recycled PID must not be taken for ours */
	snprintf(proc, sizeof(proc), "/proc/%d/cmdline", (int)pid);
	if (strbuf_read_file(&sb, proc) < 0 || !strstr(sb.buf, "kurator-sim"))
		pid = 0;
	strbuf_release(&sb);
	return pid;
}

static int start_sim(struct session *s, const struct demo_paths *p, long edge, struct kerr *err)
{
	char *sim = find_sim(err);
	char edge_s[32];
	pid_t pid;
	int fd;
	struct timespec ts = { 0, 100 * 1000000L };

	if (!sim)
		return -1;
	if (path_mkdirs(p->dir, 0700, err) < 0) {
		free(sim);
		return -1;
	}
	chmod(p->dir, 0700);
	unlink(p->kubeconfig);
	snprintf(edge_s, sizeof(edge_s), "%ld", edge);
	pid = fork();
	if (pid < 0) {
		free(sim);
		return kerr_set(err, KERR_FAIL, "cannot start kurator-sim: %s", strerror(errno));
	}
	if (pid == 0) {
		/* its own session: it outlives this kurator and ignores our Ctrl-C */
		setsid();
		fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		execl(sim, sim, "--clusters", DEMO_CLUSTERS, "--edge-nodes", edge_s, "--state-dir",
		      p->state, "--kubeconfig-out", p->kubeconfig, (char *)NULL);
		_exit(127);
	}
	free(sim);
	{
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

		if (path_write_atomic(p->pidfile, buf, len, 0600, err) < 0) {
			kill(pid, SIGTERM);
			return -1;
		}
	}
	session_out(s, "starting kurator-sim (%s) ...\n", DEMO_CLUSTERS);
	session_flush(s);
	for (int i = 0; i < 300; i++) {   /* 30 s */
		int st;

		if (access(p->kubeconfig, R_OK) == 0)
			return 0;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			unlink(p->pidfile);
			kerr_set(err, KERR_FAIL, "kurator-sim exited at start (status %d)",
				 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			return kerr_hint(err, "see %s", p->log);
		}
		if (session_cancelled(s)) {
			kill(pid, SIGTERM);
			unlink(p->pidfile);
			return kerr_set(err, KERR_CANCELLED, "demo start cancelled");
		}
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGTERM);
	unlink(p->pidfile);
	kerr_set(err, KERR_TIMEOUT, "kurator-sim did not write its kubeconfig within 30 s");
	return kerr_hint(err, "see %s", p->log);
}

/* The demo fleet has no network to download releases from: point installs
 * at the mirror kurator was built with, unless the user chose one. This
 * runs on the main thread before the demo's jobs start (setenv is not
 * safe against concurrent getenv). */
static void use_demo_mirror(struct session *s)
{
	struct stat st;

	if (getenv("KURATOR_MIRROR") || !*KURATOR_DEMO_MIRROR)
		return;
	if (stat(KURATOR_DEMO_MIRROR, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	setenv("KURATOR_MIRROR", KURATOR_DEMO_MIRROR, 0);
	if (session_mode(s) != SESSION_TUI)
		session_out(s, "installs read release files from %s\n", KURATOR_DEMO_MIRROR);
}

static int exec_demo(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct demo_paths p;
	int rc = 0;

	demo_paths(&p);
	if (!running_pid(&p)) {
		if (start_sim(s, &p, cmd_opt_int(a, "edge-nodes"), err) < 0) {
			demo_paths_free(&p);
			return -1;
		}
	}
	if (session_switch_kubeconfig(s, p.kubeconfig, err) < 0) {
		demo_paths_free(&p);
		return -1;
	}
	use_demo_mirror(s);
	if (session_mode(s) == SESSION_ONESHOT && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	    !cmd_opt_bool(a, "no-ui")) {
		rc = session_open_tui(s, err);
		demo_paths_free(&p);
		return rc < 0 ? -1 : 0;
	}
	session_out(s, "demo fleet running: clusters %s (kubeconfig %s)\n", DEMO_CLUSTERS, p.kubeconfig);
	if (session_mode(s) == SESSION_ONESHOT)
		session_out(s, "try:  kurator --kubeconfig %s clusters\n"
			    "      KUBECONFIG=%s kubectl get nodes\n"
			    "stop: kurator demo stop\n", p.kubeconfig, p.kubeconfig);
	else
		session_out(s, "this session now uses it (try: clusters); `demo stop` ends it\n");
	demo_paths_free(&p);
	return 0;
}

static int exec_stop(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct demo_paths p;
	pid_t pid;
	struct timespec ts = { 0, 100 * 1000000L };
	(void)a;
	(void)err;
	demo_paths(&p);
	pid = running_pid(&p);
	if (pid) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 50 && kill(pid, 0) == 0; i++) {
			waitpid(pid, NULL, WNOHANG);
			nanosleep(&ts, NULL);
		}
		if (kill(pid, 0) == 0)
			kill(pid, SIGKILL);
		session_out(s, "demo stopped (kurator-sim pid %d)\n", (int)pid);
	} else {
		session_out(s, "demo is not running\n");
	}
	/* clean up: kubeconfig, saved state, PID file, log */
	unlink(p.pidfile);
	unlink(p.kubeconfig);
	unlink(p.log);
	{
		/* the state dir holds one directory per cluster with flat files */
		char *const rmv[] = { "rm", "-rf", "--", p.state, NULL };
		pid_t rp = fork();

		if (rp == 0) {
			execvp("rm", rmv);
			_exit(127);
		}
		if (rp > 0)
			waitpid(rp, NULL, 0);
	}
	rmdir(p.dir);
	demo_paths_free(&p);
	return 0;
}

static int exec_status(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct demo_paths p;
	pid_t pid;

	(void)a;
	demo_paths(&p);
	pid = running_pid(&p);
	if (!pid) {
		demo_paths_free(&p);
		kerr_set(err, KERR_NOTFOUND, "demo is not running");
		return kerr_hint(err, "kurator demo");
	}
	session_out(s, "demo running: kurator-sim pid %d, clusters %s\nkubeconfig: %s\nlog: %s\n",
		    (int)pid, DEMO_CLUSTERS, p.kubeconfig, p.log);
	demo_paths_free(&p);
	return 0;
}

static const struct cmd_opt demo_opts[] = {
	{ 0, "edge-nodes", CMD_OPT_INT, "N", "edge nodes per cluster", COMP_NONE, NULL, "2" },
	{ 0, "no-ui", CMD_OPT_BOOL, NULL, "do not open the full-screen UI", COMP_NONE, NULL, NULL },
	{ 0 }
};

static const struct cmd_entry demo_start_entry = {
	.name = "start",
	.summary = "start the demo fleet (the default)",
	.opts = demo_opts,
	.max_args = 0,
	.flags = CMD_F_MAIN,
	.exec = exec_demo,
};

static const struct cmd_entry demo_stop_entry = {
	.name = "stop",
	.summary = "stop the demo fleet and delete its state",
	.max_args = 0,
	.flags = CMD_F_MAIN,
	.exec = exec_stop,
};

static const struct cmd_entry demo_status_entry = {
	.name = "status",
	.summary = "is the demo fleet running, and where",
	.max_args = 0,
	.flags = CMD_F_MAIN | CMD_F_READONLY,
	.exec = exec_status,
};

static const struct cmd_entry *const demo_subcmds[] = {
	&demo_start_entry, &demo_stop_entry, &demo_status_entry, NULL,
};

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.usage = "[start|stop|status] [--edge-nodes N]",
	.summary = "a local demo fleet (kurator-sim: host, member1, member2)",
	.help = "State lives in $XDG_STATE_HOME/kurator/demo; ~/.kube/config is not touched.\n"
		"On a terminal the full-screen UI opens on the demo fleet.",
	.opts = demo_opts,
	.max_args = 0,
	.subcmds = demo_subcmds,
	.flags = CMD_F_MAIN,
	.exec = exec_demo,
};
