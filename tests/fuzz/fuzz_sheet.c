/* Fuzz target: any bytes as a filled score sheet, imported against the
 * worked example round of the specification. */
#include "io_internal.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *round_text =
    "{\"format\":\"cjos-round/1\",\"round\":{\"id\":\"tiny\"},"
    "\"topics\":[{\"id\":\"boundary\",\"name\":\"B\"},{\"id\":\"continuity\",\"name\":"
    "\"C\","
    "\"weight\":2}],\"clusters\":[{\"id\":\"sbo\",\"name\":\"SBO\",\"fte\":{\"min\":1,"
    "\"max\":2}},{\"id\":\"c3\",\"name\":\"C3\",\"fte\":{\"min\":0.5,\"max\":0.5}}],"
    "\"schools\":[{\"id\":\"horizon\",\"name\":\"H\",\"cluster\":\"sbo\"},{\"id\":"
    "\"keerkring\","
    "\"name\":\"K\",\"cluster\":\"c3\"}],\"providers\":[{\"id\":\"duin\",\"name\":\"D\","
    "\"admitted\":[\"sbo\"],\"fte_capacity\":1.2,\"cost_per_fte\":95000},{\"id\":"
    "\"veen\","
    "\"name\":\"V\",\"admitted\":[\"sbo\",\"c3\"],\"fte_capacity\":2,\"cost_per_fte\":"
    "101000}],"
    "\"scores\":[]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static cj_round *r;
    cj_errors e = {0};
    if (!r)
        cj_round_parse(round_text, strlen(round_text), &r, &e);
    cj_csv *csv = cj_csv_parse((const char *)data, size, 0, &e);
    if (csv && r) {
        size_t rows;
        bool comma;
        json_decref(cj_sheet_import(r, csv, &rows, &comma, &e));
    }
    cj_csv_free(csv);
    cj_errors_clear(&e);
    return 0;
}
