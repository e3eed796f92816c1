'use strict';
// node scripts/build-cross.js <platform-arch>... — cross-builds prebuilds
// with the pinned zig toolchain (scripts/lib/toolchain.js ensureZig) from the
// same CMakeLists.txt and sources as the native build, into
// prebuilds/<platform-arch>/: linux-x64 and linux-arm64 against glibc 2.17,
// darwin-x64 and darwin-arm64 for macOS 11 (arm64 ad-hoc signed by zig's
// linker), win32-arm64 (mingw-w64 libc). Stripped at link time; zig 0.11's
// Mach-O linker keeps local symbols with -s, so the macOS outputs are then
// stripped of them with llvm-strip -x (Debian llvm), which re-signs arm64
// ad hoc (test/pack checks every page hash). Only the
// prebuilds are cross-built: a user's source build (npm rebuild) uses the
// local compiler through cmake-js.

const fs = require('fs');
const path = require('path');
const { root, run, ensurePrograms, zigWrappers } = require('./lib/toolchain');

const TARGETS = {
  'linux-x64': 'x86_64-linux-gnu.2.17',
  'linux-arm64': 'aarch64-linux-gnu.2.17',
  'darwin-x64': 'x86_64-macos.11.0',
  'darwin-arm64': 'aarch64-macos.11.0',
  'win32-arm64': 'aarch64-windows-gnu',
};

// What a prebuild folder holds: the addon, the Unix supervisor, and every
// helper executable a Windows build produces.
function outputs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f === 'backend_warden.node' || f === 'backend_warden_supervisor' || f.endsWith('.exe'));
}

function copyOutputs(buildDir, tag) {
  const from = [buildDir, path.join(buildDir, 'Release')].find((d) => outputs(d).includes('backend_warden.node'));
  if (!from) throw new Error(`${tag}: no backend_warden.node in ${path.relative(root, buildDir)}`);
  const to = path.join(root, 'prebuilds', tag);
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  const files = outputs(from);
  for (const f of files) {
    fs.copyFileSync(path.join(from, f), path.join(to, f));
    fs.chmodSync(path.join(to, f), 0o755);
  }
  return files.map((f) => path.join(to, f));
}

function buildCross(tag, { quiet = true } = {}) {
  const target = TARGETS[tag];
  if (!target) throw new Error(`no cross target ${tag}; known: ${Object.keys(TARGETS).join(', ')}`);
  ensurePrograms([{ program: 'cmake', pkg: 'cmake' }, { program: 'make', pkg: 'make' }]);
  const tools = zigWrappers(target);
  const headers = require('node-api-headers');
  const buildDir = path.join(root, `build-${tag}`);
  const stdio = quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit';
  run('cmake', [
    '-S', root, '-B', buildDir,
    `-DCMAKE_TOOLCHAIN_FILE=${path.join(root, 'scripts', 'zig.cmake')}`,
    `-DBW_ZIG_TARGET=${target}`, `-DBW_ZIG_CC=${tools.cc}`, `-DBW_ZIG_AR=${tools.ar}`, `-DBW_ZIG_RANLIB=${tools.ranlib}`,
    '-DCMAKE_BUILD_TYPE=Release', '-DBW_WERROR=ON',
    `-DNODE_API_HEADERS_DIR=${headers.include_dir}`,
  ], { stdio });
  run('cmake', ['--build', buildDir, '--config', 'Release', '--parallel', '2'], { stdio });
  const files = copyOutputs(buildDir, tag);
  if (tag.startsWith('darwin-')) {
    ensurePrograms([{ program: 'llvm-strip', pkg: 'llvm' }]);
    for (const f of files) run('llvm-strip', ['-x', f], { stdio });
  }
  return files;
}

module.exports = { buildCross, copyOutputs, outputs, TARGETS };

if (require.main === module) {
  try {
    const tags = process.argv.slice(2);
    if (tags.length === 0) throw new Error(`name the targets: ${Object.keys(TARGETS).join(' ')}`);
    for (const tag of tags) {
      for (const f of buildCross(tag, { quiet: false })) console.log(`[build-cross] ${path.relative(root, f)} (${fs.statSync(f).size} bytes)`);
    }
  } catch (err) {
    console.error(`build-cross: ${err.message}`);
    process.exit(1);
  }
}
