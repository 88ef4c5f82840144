#!/bin/sh
# Builds the header with gcc and clang as C99, C11 and C++11, in every
# configuration, warnings as errors; runs each result; links two
# translation units. Prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
out=build/compile
mkdir -p "$out"
WARN="-O2 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror"   # -O2: flow-analysis warnings too
pass=0
fail=0
one() {   # name, command...
    name=$1; shift
    if "$@" >"$out/$name.log" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL compile: $name"
        sed -n '1,15p' "$out/$name.log"
    fi
}
for cc in "gcc -std=c99" "gcc -std=c11" "clang -std=c99" "clang -std=c11" \
          "g++ -x c++ -std=c++11" "clang++ -x c++ -std=c++11"; do
    tag=$(echo "$cc" | tr -c 'a-z0-9+\n' '_' | tr '+' 'x')
    for def in "" "-DLLMG_STATIC" "-DLLMG_NO_MALLOC" "-DLLMG_NO_ERROR_STRINGS" "-DLLMG_NO_SIMD" "-DNDEBUG" \
               "-DTEST_CUSTOM_MALLOC"; do
        dtag=$(echo "$def" | sed 's/-D//g; s/[^A-Za-z_]/_/g')
        bin="$out/impl_${tag}_${dtag:-default}"
        one "impl_${tag}_${dtag:-default}" sh -c "$cc $WARN $def -o '$bin' tests/compile/impl.c && '$bin'"
    done
    one "two_tu_$tag" sh -c "$cc $WARN -c -o '$out/a_$tag.o' tests/compile/two_tu_a.c &&
        $cc $WARN -c -o '$out/b_$tag.o' tests/compile/two_tu_b.c &&
        $(echo "$cc" | cut -d' ' -f1) -o '$out/two_tu_$tag' '$out/a_$tag.o' '$out/b_$tag.o' && '$out/two_tu_$tag'"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
