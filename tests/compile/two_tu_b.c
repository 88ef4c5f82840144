/* ...and this one only includes the declarations and calls the API. */
#include "../../llm_gateway.h"

int two_tu_b(void);

int two_tu_b(void)
{
    llmg_json_doc doc;
    llmg_json_val v;
    int64_t n = 0;
    llmg_json_doc_init(&doc);
    if (llmg_json_parse(&doc, "{\"n\":7}", 7, NULL, NULL) != LLMG_OK) return 1;
    v = llmg_json_getc(llmg_json_root(&doc), "n");
    if (llmg_json_get_int64(v, &n) != LLMG_OK || n != 7) return 2;
    llmg_json_doc_free(&doc);
    if (!llmg_error_is_context_overflow(llmg_str_c("prompt is too long"))) return 4;
    {
        llmg_pjson p;
        if (llmg_pjson_init(&p, NULL, NULL) != LLMG_OK) return 5;
        if (llmg_pjson_feed(&p, "[1,", 3, NULL) != LLMG_OK || llmg_pjson_view(&p).len != 3) return 6;
        llmg_pjson_free(&p);
    }
    return llmg_version() == LLMG_VERSION_NUM ? 0 : 3;
}
