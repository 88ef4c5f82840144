/* Compile test: this translation unit holds the implementation... */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../../llm_gateway.h"

int two_tu_b(void);

int main(void)
{
    return two_tu_b();
}
