/* make bench-hostile: each hostile body of tests/hostile.h through
   llmg_stream for the five APIs, with the default limits; prints the
   bytes fed before the stream stopped, how it ended, the peak of live
   memory its allocator saw, and peak / bytes. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
#include "../tests/hostile.h"
#include <time.h>

int main(void)
{
    static const llmg_provider ps[] = {
        LLMG_PROVIDER_ANTHROPIC_MESSAGES, LLMG_PROVIDER_OPENAI_COMPLETIONS, LLMG_PROVIDER_OPENAI_RESPONSES,
        LLMG_PROVIDER_OPENAI_CODEX, LLMG_PROVIDER_GROQ_COMPLETIONS};
    h_opts ho;
    int k;
    size_t i;
    memset(&ho, 0, sizeof ho);
    printf("| input | api | bytes fed | result | offset | blocks | peak bytes | peak/bytes | ms |\n");
    printf("|---|---|---:|---|---:|---:|---:|---:|---:|\n");
    for (k = 0; k < H_KIND_COUNT; k++)
        for (i = 0; i < sizeof ps / sizeof ps[0]; i++) {
            h_result r;
            clock_t t0 = clock();
            h_run(ps[i], (h_kind)k, &ho, &r);
            printf("| %s | %s | %llu | %s | %llu | %zu | %zu | %.3f | %.0f |\n", h_kind_names[k],
                   llmg_provider_name(ps[i]), (unsigned long long)r.fed, llmg_status_name(r.st),
                   (unsigned long long)r.offset, r.blocks, r.peak, r.fed ? (double)r.peak / (double)r.fed : 0.0,
                   (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC);
            fflush(stdout);
        }
    return 0;
}
