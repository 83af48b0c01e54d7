/*
 * Files: reading with a size cap, and crash-safe writing (temporary file in
 * the target's folder, fsync, rename, fsync of the folder).  A plan decides
 * public money: it is written whole or not at all, and never over its input.
 */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cj_file_read(const char *path, size_t max_input, size_t *len, char sha256_hex[65],
                   cj_errors *errs) {
    if (!max_input)
        max_input = CJ_MAX_INPUT_DEFAULT;
    bool std = strcmp(path, "-") == 0;
    int fd = std ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cj_errors_add(errs, CJ_ERR_READ, false, NULL, "cannot open '%s': %s", path,
                      strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        cj_errors_add(errs, CJ_ERR_READ, false, NULL,
                      "cannot read '%s': it is a directory", path);
        if (!std)
            close(fd);
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory reading '%s'",
                          path);
            break;
        }
        if (n == cap) {
            if (cap >= max_input + 1) {
                cj_errors_add(
                    errs, CJ_ERR_READ, false, NULL,
                    "cannot read '%s': larger than the input limit of %zu bytes", path,
                    max_input);
                free(buf);
                buf = NULL;
                break;
            }
            cap = cap * 2 > max_input + 1 ? max_input + 1 : cap * 2;
            char *b = realloc(buf, cap + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = b;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            cj_errors_add(errs, CJ_ERR_READ, false, NULL, "cannot read '%s': %s", path,
                          strerror(errno));
            free(buf);
            buf = NULL;
            break;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > max_input) {
            cj_errors_add(errs, CJ_ERR_READ, false, NULL,
                          "cannot read '%s': larger than the input limit of %zu bytes",
                          path, max_input);
            free(buf);
            buf = NULL;
            break;
        }
    }
    if (!std)
        close(fd);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    if (sha256_hex)
        cj_sha256_hex(buf, n, sha256_hex);
    return buf;
}

static bool write_all(int fd, const char *buf, size_t len) {
    while (len) {
        ssize_t k = write(fd, buf, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        buf += k;
        len -= (size_t)k;
    }
    return true;
}

/* A device or pipe (/dev/null, /dev/full, a FIFO) cannot be replaced by a
 * rename, and must not be: write into it directly. */
static cj_code write_device(const char *path, const char *buf, size_t len,
                            cj_errors *errs) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && write_all(fd, buf, len);
    int err = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        cj_errors_add(errs, CJ_ERR_WRITE, false, NULL, "cannot write '%s': %s", path,
                      strerror(err));
        return CJ_ERR_WRITE;
    }
    return CJ_OK;
}

static bool same_file(const char *a, const char *b) {
    struct stat x, y;
    return a && b && stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
           x.st_ino == y.st_ino;
}

cj_code cj_file_write(const char *path, const char *input_path, const char *buf,
                      size_t len, bool private_data, cj_errors *errs) {
    if (strcmp(path, "-") == 0) {
        if (!write_all(STDOUT_FILENO, buf, len)) {
            cj_errors_add(errs, CJ_ERR_WRITE, false, NULL,
                          "cannot write to standard output: %s", strerror(errno));
            return CJ_ERR_WRITE;
        }
        return CJ_OK;
    }
    if (same_file(path, input_path)) {
        cj_errors_add(errs, CJ_ERR_WRITE, false, NULL,
                      "refusing to write '%s': it is the input file", path);
        return CJ_ERR_WRITE;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return write_device(path, buf, len, errs);
    size_t n = strlen(path);
    char *tmp = malloc(n + 16), *dircopy = cj_strdup(path);
    if (!tmp || !dircopy) {
        free(tmp);
        free(dircopy);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    snprintf(tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    const char *what = NULL;
    int err = 0;
    if (fd < 0) {
        what = "cannot create";
        err = errno;
    } else {
        /* mkstemp makes 0600; plans without personal data get the usual mode */
        if (!private_data) {
            mode_t um = umask(0);
            umask(um);
            fchmod(fd, 0666 & ~um);
        }
        if (!write_all(fd, buf, len)) {
            what = "cannot write";
            err = errno;
        } else if (fsync(fd) != 0) {
            what = "cannot flush";
            err = errno;
        }
        if (close(fd) != 0 && !what) {
            what = "cannot write";
            err = errno;
        }
        if (!what && rename(tmp, path) != 0) {
            what = "cannot replace";
            err = errno;
        }
        if (what)
            unlink(tmp);
    }
    if (!what) {
        int dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(tmp);
    free(dircopy);
    if (what) {
        cj_errors_add(errs, CJ_ERR_WRITE, false, NULL, "%s '%s': %s", what, path,
                      strerror(err));
        return CJ_ERR_WRITE;
    }
    return CJ_OK;
}
