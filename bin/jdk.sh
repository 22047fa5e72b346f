# Sourced by bin/kapal and bin/test: picks a JDK >= 21 and exports JAVA_HOME.
# Our machines' default `java` is 17, so PATH alone cannot be trusted.

kapal_java_major() { # $1 = a JDK home; prints its major version, or nothing
    local release="$1/release" version
    [ -r "$release" ] || return 0
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release")
    version=${version#1.}
    printf '%s\n' "${version%%[.+-]*}"
}

kapal_pick_jdk() {
    local major best="" best_major=0 home
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        major=$(kapal_java_major "$JAVA_HOME")
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then
            return 0
        fi
    fi
    for home in /usr/lib/jvm/*; do
        [ -x "$home/bin/java" ] || continue
        major=$(kapal_java_major "$home")
        [ -n "$major" ] || continue
        if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best=$home
            best_major=$major
        fi
    done
    if [ -z "$best" ]; then
        echo "kapal: no JDK 21 or newer found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
        return 1
    fi
    export JAVA_HOME=$best
}
