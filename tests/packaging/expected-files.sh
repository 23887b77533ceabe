# The files every Linux package holds, relative to the prefix (/usr), sorted: the FHS layout
# of `cmake --install`. Sourced by files-test.sh and package-test.sh.
#   rt_expected_files SOURCE_DIR
rt_expected_files() {
    local src="$1" id=org.roundtable.Roundtable size shot
    {
        echo bin/roundtable
        echo bin/roundtable-ollama-sim
        echo share/applications/$id.desktop
        echo share/metainfo/$id.metainfo.xml
        echo share/icons/hicolor/scalable/apps/$id.svg
        for size in 16 24 32 48 64 128 256 512; do
            echo share/icons/hicolor/${size}x${size}/apps/$id.png
        done
        echo share/man/man1/roundtable.1.gz
        echo share/man/man1/roundtable-ollama-sim.1.gz
        echo share/bash-completion/completions/roundtable
        echo share/doc/roundtable/copyright
        for shot in "$src"/packaging/screenshots/*.png; do
            echo share/roundtable/screenshots/"$(basename "$shot")"
        done
    } | LC_ALL=C sort
}
