'use strict';
// Reads what the prebuild checks need from a binary, in plain JS (no
// binutils): its format (ELF, Mach-O, PE), machine and kind; for ELF the
// glibc symbol versions it requires (.gnu.version_r / .gnu.version); for
// Mach-O whether it carries a code signature and whether that signature's
// page hashes match the file (what Apple silicon checks before running it);
// for PE the DLLs it imports from, delay-loaded ones included.

const crypto = require('crypto');
const fs = require('fs');

const ELF_MACHINES = { 62: 'x64', 183: 'arm64' };
const MACHO_CPUS = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const MACHO_KINDS = { 2: 'executable', 6: 'dylib', 8: 'bundle' };
const PE_MACHINES = { 0x8664: 'x64', 0xaa64: 'arm64' };

function cstr(buf, off) {
  const end = buf.indexOf(0, off);
  return buf.toString('latin1', off, end < 0 ? buf.length : end);
}

function readElf(buf) {
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error('only 64-bit little-endian ELF is read');
  const type = buf.readUInt16LE(16);
  const machine = ELF_MACHINES[buf.readUInt16LE(18)] || `machine ${buf.readUInt16LE(18)}`;
  const shoff = Number(buf.readBigUInt64LE(40));
  const shentsize = buf.readUInt16LE(58);
  const shnum = buf.readUInt16LE(60);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: buf.readUInt32LE(o + 4),
      offset: Number(buf.readBigUInt64LE(o + 24)),
      size: Number(buf.readBigUInt64LE(o + 32)),
      link: buf.readUInt32LE(o + 40),
      info: buf.readUInt32LE(o + 44),
      entsize: Number(buf.readBigUInt64LE(o + 56)),
    });
  }
  let interp = false;
  const phoff = Number(buf.readBigUInt64LE(32));
  for (let i = 0; i < buf.readUInt16LE(56); i++) {
    if (buf.readUInt32LE(phoff + i * buf.readUInt16LE(54)) === 3) interp = true; // PT_INTERP
  }
  // Version needs: index -> { file, version }.
  const needs = new Map();
  const verneed = sections.find((s) => s.type === 0x6ffffffe); // SHT_GNU_verneed
  if (verneed) {
    const strtab = sections[verneed.link];
    let o = verneed.offset;
    for (let n = 0; n < verneed.info; n++) {
      const file = cstr(buf, strtab.offset + buf.readUInt32LE(o + 4));
      let a = o + buf.readUInt32LE(o + 8);
      for (let k = 0; k < buf.readUInt16LE(o + 2); k++) {
        needs.set(buf.readUInt16LE(a + 6) & 0x7fff, { file, version: cstr(buf, strtab.offset + buf.readUInt32LE(a + 8)) });
        const next = buf.readUInt32LE(a + 12);
        if (!next) break;
        a += next;
      }
      const next = buf.readUInt32LE(o + 12);
      if (!next) break;
      o += next;
    }
  }
  // Undefined dynamic symbols and the version each needs.
  const symbols = [];
  const dynsym = sections.find((s) => s.type === 11); // SHT_DYNSYM
  const versym = sections.find((s) => s.type === 0x6fffffff); // SHT_GNU_versym
  if (dynsym) {
    const strtab = sections[dynsym.link];
    const count = dynsym.size / (dynsym.entsize || 24);
    for (let i = 1; i < count; i++) {
      const o = dynsym.offset + i * 24;
      const name = cstr(buf, strtab.offset + buf.readUInt32LE(o));
      const shndx = buf.readUInt16LE(o + 6);
      const need = versym ? needs.get(buf.readUInt16LE(versym.offset + i * 2) & 0x7fff) : undefined;
      if (shndx === 0 && name) symbols.push({ name, version: need ? need.version : null, file: need ? need.file : null });
    }
  }
  const kind = type === 3 ? (interp ? 'executable' : 'shared') : type === 2 ? 'executable' : `type ${type}`;
  return { format: 'elf', machine, kind, hasSymtab: sections.some((s) => s.type === 2), versions: [...new Set([...needs.values()].map((n) => n.version))], symbols };
}

// Mach-O (64-bit, little-endian): load commands, and the ad-hoc signature's
// CodeDirectory checked against the file's pages.
function readMachO(buf) {
  const machine = MACHO_CPUS[buf.readUInt32LE(4)] || `cpu ${buf.readUInt32LE(4).toString(16)}`;
  const kind = MACHO_KINDS[buf.readUInt32LE(12)] || `filetype ${buf.readUInt32LE(12)}`;
  const ncmds = buf.readUInt32LE(16);
  let o = 32;
  const commands = [];
  let signature = null;
  let symtab = null;
  for (let i = 0; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(o);
    commands.push(cmd);
    if (cmd === 0x1d) signature = { offset: buf.readUInt32LE(o + 8), size: buf.readUInt32LE(o + 12) }; // LC_CODE_SIGNATURE
    if (cmd === 0x2) symtab = { symoff: buf.readUInt32LE(o + 8), nsyms: buf.readUInt32LE(o + 12) }; // LC_SYMTAB
    o += buf.readUInt32LE(o + 4);
  }
  // nlist_64 entries of 16 bytes; n_type bit 0x01 (N_EXT) marks an external
  // symbol. Local ones (and debug stabs) are what strip -x removes.
  let localSymbols = 0;
  for (let i = 0; symtab && i < symtab.nsyms; i++) {
    if ((buf[symtab.symoff + i * 16 + 4] & 0x01) === 0) localSymbols++;
  }
  return { format: 'macho', machine, kind, commands, localSymbols, signature: signature && checkSignature(buf, signature) };
}

function checkSignature(buf, { offset, size }) {
  const out = { present: true, adhoc: false, valid: false, problem: null };
  if (buf.readUInt32BE(offset) !== 0xfade0cc0) return { ...out, problem: 'no SuperBlob' };
  const count = buf.readUInt32BE(offset + 8);
  for (let i = 0; i < count; i++) {
    const type = buf.readUInt32BE(offset + 12 + i * 8);
    const cd = offset + buf.readUInt32BE(offset + 16 + i * 8);
    if (type !== 0 || buf.readUInt32BE(cd) !== 0xfade0c02) continue; // CodeDirectory
    const flags = buf.readUInt32BE(cd + 12);
    const hashOffset = buf.readUInt32BE(cd + 16);
    const nCodeSlots = buf.readUInt32BE(cd + 28);
    const codeLimit = buf.readUInt32BE(cd + 32);
    const hashSize = buf[cd + 36];
    const hashType = buf[cd + 37];
    const pageSize = 2 ** buf[cd + 39];
    out.adhoc = (flags & 0x2) !== 0; // CS_ADHOC
    const algo = { 1: 'sha1', 2: 'sha256' }[hashType];
    if (!algo) return { ...out, problem: `hash type ${hashType}` };
    for (let p = 0; p < nCodeSlots; p++) {
      const start = p * pageSize;
      const page = buf.subarray(start, Math.min(start + pageSize, codeLimit));
      const want = buf.subarray(cd + hashOffset + p * hashSize, cd + hashOffset + (p + 1) * hashSize);
      const got = crypto.createHash(algo).update(page).digest().subarray(0, hashSize);
      if (!got.equals(want)) return { ...out, problem: `page ${p} hash mismatch` };
    }
    // The hashed range ends exactly where the signature starts.
    out.valid = nCodeSlots === Math.ceil(codeLimit / pageSize) && codeLimit === offset && size > 0;
    if (!out.valid) out.problem = 'code slots do not cover the file';
    return out;
  }
  return { ...out, problem: 'no CodeDirectory' };
}

function readPe(buf) {
  const pe = buf.readUInt32LE(0x3c);
  if (buf.readUInt32LE(pe) !== 0x4550) throw new Error('no PE signature');
  const m = buf.readUInt16LE(pe + 4);
  const nsections = buf.readUInt16LE(pe + 6);
  const optSize = buf.readUInt16LE(pe + 20);
  const characteristics = buf.readUInt16LE(pe + 22);
  const opt = pe + 24;
  const sections = [];
  for (let i = 0; i < nsections; i++) {
    const o = opt + optSize + i * 40;
    sections.push({ va: buf.readUInt32LE(o + 12), size: Math.max(buf.readUInt32LE(o + 8), buf.readUInt32LE(o + 16)), raw: buf.readUInt32LE(o + 20) });
  }
  const at = (rva) => {
    const s = sections.find((x) => rva >= x.va && rva < x.va + x.size);
    return s ? rva - s.va + s.raw : -1;
  };
  // PE32+: data directories start at optional header + 112; [1] is imports.
  const dlls = [];
  const importRva = buf.readUInt32LE(opt + 112 + 8);
  for (let d = at(importRva); importRva && d >= 0; d += 20) {
    const name = buf.readUInt32LE(d + 12);
    if (!name) break;
    dlls.push(cstr(buf, at(name)));
  }
  // [13] is delay imports.
  const delayDlls = [];
  const delayRva = buf.readUInt32LE(opt + 112 + 13 * 8);
  for (let d = at(delayRva); delayRva && d >= 0; d += 32) {
    const name = buf.readUInt32LE(d + 4);
    if (!name) break;
    delayDlls.push(cstr(buf, at(name)));
  }
  // Subsystem (2 GUI, 3 console) sits at the same offset in PE32 and PE32+.
  const subsystem = { 2: 'gui', 3: 'console' }[buf.readUInt16LE(opt + 68)] || `subsystem ${buf.readUInt16LE(opt + 68)}`;
  return { format: 'pe', machine: PE_MACHINES[m] || `machine 0x${m.toString(16)}`, machineId: m, kind: characteristics & 0x2000 ? 'dll' : 'executable', subsystem, dlls, delayDlls };
}

function readObject(file) {
  const buf = fs.readFileSync(file);
  if (buf.readUInt32BE(0) === 0x7f454c46) return readElf(buf);
  if (buf.readUInt32LE(0) === 0xfeedfacf) return readMachO(buf);
  if (buf.readUInt16LE(0) === 0x5a4d) return readPe(buf);
  throw new Error(`${file}: not an ELF, Mach-O or PE file`);
}

// "GLIBC_2.17" -> [2, 17]; compares dotted versions.
function glibcVersion(v) {
  const m = /^GLIBC_(\d+(?:\.\d+)*)$/.exec(v || '');
  return m ? m[1].split('.').map(Number) : null;
}

function newerThan(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  }
  return false;
}

// The symbols needing a glibc newer than floor ("2.28"): [{ name, version }].
function aboveGlibc(info, floor) {
  const f = floor.split('.').map(Number);
  return info.symbols.filter((s) => {
    const v = glibcVersion(s.version);
    return v && newerThan(v, f);
  });
}

function newestGlibc(info) {
  return info.versions.map(glibcVersion).filter(Boolean).reduce((a, v) => (a && !newerThan(v, a) ? a : v), null);
}

module.exports = { readObject, aboveGlibc, newestGlibc };
