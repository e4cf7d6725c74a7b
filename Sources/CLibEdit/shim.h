// libedit from Swift: el_set, el_get and history are C variadic functions, which Swift cannot
// call, so these static inline wrappers give each use a fixed signature. Swift 6 also rejects
// the C globals stdin/stdout/stderr as not concurrency-safe: reach them through accessors.
#ifndef K8SIM_CLIBEDIT_SHIM_H
#define K8SIM_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>

static inline FILE *k8sim_stdin(void) { return stdin; }
static inline FILE *k8sim_stdout(void) { return stdout; }
static inline FILE *k8sim_stderr(void) { return stderr; }

typedef char *(*k8sim_prompt_fn)(EditLine *);
typedef unsigned char (*k8sim_complete_fn)(EditLine *, int);

static inline void k8sim_el_set_prompt(EditLine *el, k8sim_prompt_fn fn) { el_set(el, EL_PROMPT, fn); }
static inline void k8sim_el_set_editor(EditLine *el, const char *mode) { el_set(el, EL_EDITOR, mode); }
static inline void k8sim_el_set_history(EditLine *el, History *h) { el_set(el, EL_HIST, history, h); }
static inline void k8sim_el_set_clientdata(EditLine *el, void *data) { el_set(el, EL_CLIENTDATA, data); }
static inline void *k8sim_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline void k8sim_el_add_completion(EditLine *el, k8sim_complete_fn fn) {
    el_set(el, EL_ADDFN, "k8sim-complete", "Complete a word", fn);
    el_set(el, EL_BIND, "^I", "k8sim-complete", NULL);
}
static inline void k8sim_el_set_signal(EditLine *el, int on) { el_set(el, EL_SIGNAL, on); }

static inline void k8sim_history_setsize(History *h, int size) {
    HistEvent ev;
    history(h, &ev, H_SETSIZE, size);
}
static inline void k8sim_history_enter(History *h, const char *line) {
    HistEvent ev;
    history(h, &ev, H_ENTER, line);
}
static inline int k8sim_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}
static inline int k8sim_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}
static inline void k8sim_history_clear(History *h) {
    HistEvent ev;
    history(h, &ev, H_CLEAR);
}

/// Installs a SIGINT handler without SA_RESTART, so el_gets returns with EINTR on Ctrl-C.
static volatile sig_atomic_t k8sim_interrupted = 0;
static void k8sim_on_sigint(int sig) { (void)sig; k8sim_interrupted = 1; }
static inline void k8sim_install_sigint(void) {
    struct sigaction sa;
    sa.sa_handler = k8sim_on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
}
static inline int k8sim_take_interrupt(void) {
    int was = k8sim_interrupted;
    k8sim_interrupted = 0;
    return was;
}
#endif
