/* Fuzz target: any bytes as a round file, through reading, validation and
 * selection (shortlists).  Must never crash, leak or hang. */
#include "io.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cj_errors e = {0};
    cj_round *r = NULL;
    if (cj_round_parse((const char *)data, size, &r, &e) == CJ_OK) {
        cj_selection *sel = cj_selection_new(r);
        size_t n;
        char *text = sel ? cj_shortlist_render(r, sel, CJ_OUT_MD, NULL, NULL, &n) : NULL;
        free(text);
        cj_selection_free(sel);
    }
    cj_round_free(r);
    cj_errors_clear(&e);
    return 0;
}
