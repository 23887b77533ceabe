# Per-generator CPack settings (CPACK_PROJECT_CONFIG_FILE): cpack reads this once for each
# generator it runs, with CPACK_GENERATOR set to that one generator.
if(CPACK_GENERATOR STREQUAL "DragNDrop")
    # The disk image's volume icon (for NSIS, CPACK_PACKAGE_ICON would be a header bitmap).
    set(CPACK_PACKAGE_ICON "${CPACK_RT_PACKAGING_DIR}/icons/roundtable.icns")
elseif(CPACK_GENERATOR MATCHES "^(DEB|RPM)$")
    set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
endif()
