/* MinGW builds only: the addon's Node-API imports name "node.exe", but the
 * host may be electron.exe or any renamed executable. The imports are
 * delay-loaded (libnode_delay.a from dlltool -y), and this hook answers the
 * loader's request for node.exe with the host executable itself, which
 * exports the same symbols. MSVC builds get the equivalent hook from
 * cmake-js (win_delay_load_hook.cc). */
#include <windows.h>

#include <delayimp.h>
#include <string.h>

static FARPROC WINAPI bw_delay_load_hook(unsigned int event, DelayLoadInfo* info) {
  if (event != dliNotePreLoadLibrary || info == NULL || info->szDll == NULL) return NULL;
  if (_stricmp(info->szDll, "node.exe") != 0) return NULL;
  return (FARPROC)GetModuleHandleW(NULL);
}

/* The delay-load helper reads this well-known symbol; it must be a mutable
 * global of exactly this name and type (non-const in mingw's delayimp.h). */
PfnDliHook __pfnDliNotifyHook2 = bw_delay_load_hook;
