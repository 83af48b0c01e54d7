/*
 * The model as built, for other solvers.  GLPK's MPS writer leaves out
 * OBJSENSE, so a reader would minimise our maximisation: we add the section
 * (HiGHS and the commercial readers honour it; CBC 2.10 needs -max).
 */
#include "solver_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Inserts "OBJSENSE MAX" after the NAME line of a free MPS file in place. */
static bool add_objsense(const char *tmp) {
    FILE *f = fopen(tmp, "rb");
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    bool ok = buf && fread(buf, 1, (size_t)n, f) == (size_t)n;
    fclose(f);
    if (!ok) {
        free(buf);
        return false;
    }
    buf[n] = '\0';
    char *name = strstr(buf, "\nNAME");
    char *at = name ? strchr(name + 1, '\n') : NULL;
    if (!at && strncmp(buf, "NAME", 4) == 0)
        at = strchr(buf, '\n');
    f = fopen(tmp, "wb");
    if (!f) {
        free(buf);
        return false;
    }
    size_t head = at ? (size_t)(at - buf) + 1 : 0;
    ok = fwrite(buf, 1, head, f) == head &&
         fputs("* Maximise. CBC 2.10 ignores OBJSENSE: run it as 'cbc FILE -max solve'\n"
               "OBJSENSE\n    MAX\n",
               f) >= 0 &&
         fwrite(buf + head, 1, (size_t)n - head, f) == (size_t)n - head;
    ok = (fclose(f) == 0) && ok;
    free(buf);
    return ok;
}

bool cj_lp_export(glp_prob *P, const char *path, bool mps, cj_errors *errs) {
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return false;
    }
    snprintf(tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cj_errors_add(errs, CJ_ERR_WRITE, false, NULL, "cannot write '%s': %s", path,
                      strerror(errno));
        free(tmp);
        return false;
    }
    close(fd);
    bool ok = (mps ? glp_write_mps(P, GLP_MPS_FILE, NULL, tmp)
                   : glp_write_lp(P, NULL, tmp)) == 0;
    if (ok && mps)
        ok = add_objsense(tmp);
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        cj_errors_add(errs, CJ_ERR_WRITE, false, NULL, "cannot write '%s': %s", path,
                      errno ? strerror(errno) : "write failed");
        unlink(tmp);
    }
    free(tmp);
    return ok;
}
