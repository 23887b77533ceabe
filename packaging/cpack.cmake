# CPack: DEB, RPM and TGZ on Linux, NSIS on Windows, DragNDrop on macOS (packaging/README.md).
# Included at the end of the top-level CMakeLists.txt, after packaging/, so every install()
# rule is known. Versions come from project(Roundtable VERSION ...).

set(RT_PACKAGE_MAINTAINER "The Roundtable developers <noreply@roundtable.invalid>" CACHE STRING
    "Maintainer / contact of the packages (Debian Maintainer, NSIS contact); set a real address for releases")

set(CPACK_PACKAGE_NAME roundtable)
set(CPACK_PACKAGE_VENDOR "The Roundtable developers")
set(CPACK_PACKAGE_CONTACT "${RT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Lines of at most 79 characters (a Debian extended description is shown as it is written).
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "Roundtable seats several AI agents, each with its own role, model and persona,"
    "at one table and lets them debate a question round by round. It measures how"
    "far they agree and how sure they are, and keeps every word. It is also a plain"
    "chat client for any local model. It works with Ollama on this computer or on"
    "others, and every feature can be driven from the command line."
    ""
    "The package includes roundtable-ollama-sim, an Ollama simulator for trying"
    "Roundtable without any models.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${RT_HOMEPAGE}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_INSTALL_DIRECTORY Roundtable)
set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY Roundtable)
# Start-menu shortcut (NSIS): bin/roundtable(.exe), shown as "Roundtable".
set(CPACK_PACKAGE_EXECUTABLES roundtable Roundtable)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_PROJECT_CONFIG_FILE "${RT_PACKAGING_DIR}/cpack-generator.cmake")
# windeployqt / macdeployqt on the staged tree before NSIS / DragNDrop pack it.
set(CPACK_PRE_BUILD_SCRIPTS "${RT_PACKAGING_DIR}/deploy-qt.cmake")
set(CPACK_RT_PACKAGING_DIR "${RT_PACKAGING_DIR}")
if(WIN32 OR APPLE)
    # Qt's tools folder (QT6_INSTALL_PREFIX/QT6_INSTALL_BINS come from find_package(Qt6)).
    set(rt_qt_bin "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}")
    find_program(RT_WINDEPLOYQT NAMES windeployqt windeployqt6 HINTS "${rt_qt_bin}")
    find_program(RT_MACDEPLOYQT NAMES macdeployqt macdeployqt6 HINTS "${rt_qt_bin}")
    set(CPACK_RT_WINDEPLOYQT "${RT_WINDEPLOYQT}")
    set(CPACK_RT_MACDEPLOYQT "${RT_MACDEPLOYQT}")
endif()

if(WIN32)
    set(CPACK_GENERATOR NSIS)
elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop)
else()
    set(CPACK_GENERATOR DEB RPM TGZ)
endif()
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.cache/" "/node_modules/")

# ---- DEB ---------------------------------------------------------------------------------
# Depends: dpkg-shlibdeps sees the Qt libraries the binaries link; it cannot see the plugins
# Qt loads at run time. What the binaries really load (checked with /proc/PID/maps, see
# packaging/README.md): sqldrivers/libqsqlite.so for the default database (libqt6sql6-sqlite),
# sqldrivers/libqsqlpsql.so only for a postgresql:// database (libqt6sql6-psql, Recommends),
# platforms/libqxcb.so or libqoffscreen.so and tls/libqopensslbackend.so, which Debian ships
# in libqt6gui6 and libqt6network6 (already in the shlibdeps), and no image format plugin
# (PNG is built into QtGui; the icons are drawn in code). qt6-qpa-plugins holds only the VNC
# platform plugin on Debian 12, so it is not needed; libqt6gui6 recommends it anyway.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
# Qt's own translations (dialog buttons, ...); the emoji font draws the agents' avatars.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6sql6-psql, qt6-translations-l10n, fonts-noto-color-emoji")
# A native Wayland window (without it Qt uses XWayland).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-wayland")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${RT_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# ---- RPM ---------------------------------------------------------------------------------
# Requires come from rpmbuild's automatic dependency scan; the plugin packages have different
# names on every RPM distribution (packaging/README.md).
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_LICENSE MIT)
set(CPACK_RPM_PACKAGE_GROUP "Applications/Productivity")
set(CPACK_RPM_PACKAGE_URL "${RT_HOMEPAGE}")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
# No /usr/lib/.build-id links: the RPM holds exactly the files the DEB holds.
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")
# Own only the package's directories, not the shared ones it installs into.
set(rt_shared_dirs
    /usr/share/applications /usr/share/metainfo /usr/share/icons /usr/share/icons/hicolor
    /usr/share/icons/hicolor/scalable /usr/share/icons/hicolor/scalable/apps
    /usr/share/man /usr/share/man/man1 /usr/share/bash-completion /usr/share/bash-completion/completions)
foreach(size 16 24 32 48 64 128 256 512)
    list(APPEND rt_shared_dirs /usr/share/icons/hicolor/${size}x${size} /usr/share/icons/hicolor/${size}x${size}/apps)
endforeach()
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION ${rt_shared_dirs})

# ---- NSIS (Windows) ----------------------------------------------------------------------
# Licence page from CPACK_RESOURCE_FILE_LICENSE; Start-menu shortcut from
# CPACK_PACKAGE_EXECUTABLES; Add/Remove Programs entry with icon, links and uninstaller.
set(CPACK_NSIS_PACKAGE_NAME "Roundtable")
set(CPACK_NSIS_DISPLAY_NAME "Roundtable ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON "${RT_PACKAGING_DIR}/icons/roundtable.ico")
set(CPACK_NSIS_MUI_UNIICON "${RT_PACKAGING_DIR}/icons/roundtable.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\roundtable.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${RT_HOMEPAGE}")
set(CPACK_NSIS_HELP_LINK "${RT_HOMEPAGE}/issues")
set(CPACK_NSIS_CONTACT "${RT_PACKAGE_MAINTAINER}")
set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)
set(CPACK_NSIS_MUI_FINISHPAGE_RUN roundtable.exe)
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# Offer to put bin\ on PATH, so `roundtable chat ...` works in a terminal.
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
if(WIN32 AND CMAKE_SIZEOF_VOID_P EQUAL 8)
    set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
endif()

# ---- DragNDrop (macOS) -------------------------------------------------------------------
# Roundtable.app (bundle name, identifier and icon: packaging/CMakeLists.txt) next to an
# /Applications link; the volume icon is set in cpack-generator.cmake.
set(CPACK_BUNDLE_NAME Roundtable)
set(CPACK_DMG_VOLUME_NAME Roundtable)
set(CPACK_DMG_FORMAT UDZO)

include(CPack)
