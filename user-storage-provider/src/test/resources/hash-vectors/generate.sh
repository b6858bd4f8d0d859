#!/usr/bin/env bash
# Regenerates /tmp/vectors/hash-vectors.json (or $OUT) with password-hash test vectors
# produced by implementations independent of the Java code:
#   PHP password_hash (bcrypt $2y$, argon2i/argon2id), Apache htpasswd (bcrypt $2y$),
#   Python stdlib crypt -> system libxcrypt (genuine $2a$/$2b$), Python hashlib (pbkdf2, scrypt, legacy).
# Every vector is then cross-checked by:
#   PHP (password_verify / hash_pbkdf2 / hash), Node.js crypto + hash-wasm (bcrypt/argon2),
#   Python (libxcrypt crypt / hashlib recompute). Checks: password verifies, "wrong" does NOT verify.
# Requirements: php-cli, apache2-utils (htpasswd), python3 (with stdlib crypt, i.e. <= 3.12), node,
#   npm package hash-wasm (installed into this directory if missing; needs npm registry).
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$DIR/hash-vectors.json}"
cd "$DIR"

for t in php python3 node htpasswd; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
if [ ! -d "$DIR/node_modules/hash-wasm" ]; then
  npm install --no-audit --no-fund --prefix "$DIR" hash-wasm@4.12.0 >/dev/null
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

###############################################################################
# PHP generator: reads JSON jobs [{algo, password, options}] on stdin, prints hashes.
cat > "$WORK/gen.php" <<'PHP'
<?php
$jobs = json_decode(file_get_contents('php://stdin'), true, 512, JSON_THROW_ON_ERROR);
$algos = ['bcrypt' => PASSWORD_BCRYPT, 'argon2i' => PASSWORD_ARGON2I, 'argon2id' => PASSWORD_ARGON2ID];
$out = [];
foreach ($jobs as $j) {
    $h = password_hash($j['password'], $algos[$j['algo']], $j['options'] ?? []);
    if (!is_string($h)) { fwrite(STDERR, "password_hash failed\n"); exit(1); }
    $out[] = $h;
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
PHP

###############################################################################
# Python generator (stdlib only).
cat > "$WORK/gen.py" <<'PY'
import base64, hashlib, json, secrets, string, subprocess, sys, warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import crypt  # stdlib wrapper around system libcrypt (libxcrypt on Debian 12)

WORK, OUT = sys.argv[1], sys.argv[2]
PW1 = "correct horse battery staple"
PW2 = "p\u00e4ssw\u00f6rd-\u00fcn\u00efcode-\U0001F511"   # pässwörd-ünïcode-🔑
PW80 = "A" * 80
PWS = [PW1, PW2]

def sh(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()

def dpkg_ver(pkg):
    try:
        return sh("dpkg-query", "-W", "-f=${Version}", pkg)
    except Exception:
        return "unknown"

PHP_V = sh("php", "-r", "echo PHP_VERSION;")
PY_V = sys.version.split()[0]
HTP_V = dpkg_ver("apache2-utils")
XCRYPT_V = dpkg_ver("libcrypt1")

def wrong_of(pw):
    return pw + "x"

vectors = []
def add(fmt, pw, h, source, wrong=None, **extra):
    v = {"format": fmt, "password": pw, "hash": h, "source": source, "wrong": wrong if wrong is not None else wrong_of(pw)}
    v.update(extra)
    vectors.append(v)

# ---------------------------------------------------------------- PHP jobs
php_jobs = []
def pj(algo, pw, options, meta):
    php_jobs.append(({"algo": algo, "password": pw, "options": options}, meta))

for pw in PWS:
    pj("bcrypt", pw, {"cost": 10}, ("bcrypt-2y", "cost10"))
pj("bcrypt", PW1, {"cost": 12}, ("bcrypt-2y", "cost12"))
pj("bcrypt", PW80, {"cost": 10}, ("bcrypt-2y", "pw80"))
for pw in PWS:
    pj("argon2id", pw, {}, ("argon2id", "default"))
for pw in PWS:
    pj("argon2id", pw, {"memory_cost": 8192, "time_cost": 2, "threads": 1}, ("argon2id", "custom"))
for pw in PWS:
    pj("argon2i", pw, {}, ("argon2i", "default"))

res = subprocess.run(["php", f"{WORK}/gen.php"], input=json.dumps([j for j, _ in php_jobs]),
                     check=True, capture_output=True, text=True)
php_hashes = json.loads(res.stdout)

PW80_NOTE = ("80-byte password; bcrypt only uses the first 72 bytes, so 'also_verifies' (first 72 bytes) "
             "MUST verify, while 'wrong' differs inside the first 72 bytes and must NOT verify")
PW80_WRONG = "B" + "A" * 79
PW80_EXTRA = {"also_verifies": "A" * 72, "note": PW80_NOTE}

php_bcrypt_2y = []   # (pw, hash) for prefix swapping
for (job, (fmt, kind)), h in zip(php_jobs, php_hashes):
    pw = job["password"]
    opts = json.dumps(job["options"]) if job["options"] else "defaults"
    if job["algo"] == "bcrypt":
        src = f"PHP {PHP_V} password_hash(PASSWORD_BCRYPT, {opts})"
        if kind == "pw80":
            add(fmt, pw, h, src, wrong=PW80_WRONG, **PW80_EXTRA)
        else:
            add(fmt, pw, h, src)
            php_bcrypt_2y.append((pw, h))
    else:
        const = "PASSWORD_ARGON2ID" if job["algo"] == "argon2id" else "PASSWORD_ARGON2I"
        add(fmt, pw, h, f"PHP {PHP_V} password_hash({const}, {opts})")

# ---------------------------------------------------------------- htpasswd ($2y$)
for pw in PWS:
    line = sh("htpasswd", "-nbB", "-C", "10", "user", pw)
    user, h = line.split(":", 1)
    add("bcrypt-2y", pw, h, f"Apache htpasswd (apache2-utils {HTP_V}) -nbB -C 10 user PASSWORD")

# ---------------------------------------------------------------- genuine $2b$ / $2a$ via libxcrypt
for prefix, fmt in (("$2b$", "bcrypt-2b"), ("$2a$", "bcrypt-2a")):
    for pw in PWS:
        salt = crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)  # '$2b$10$' + 22 chars
        salt = prefix + salt[4:]
        h = crypt.crypt(pw, salt)
        assert h and h.startswith(prefix + "10$"), h
        add(fmt, pw, h, f"Python {PY_V} stdlib crypt.crypt() -> libxcrypt {XCRYPT_V} (genuine {prefix}, cost 10)")
    salt = prefix + crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)[4:]
    add(fmt, PW80, crypt.crypt(PW80, salt),
        f"Python {PY_V} stdlib crypt.crypt() -> libxcrypt {XCRYPT_V} (genuine {prefix}, cost 10)",
        wrong=PW80_WRONG, **PW80_EXTRA)

# ---------------------------------------------------------------- prefix-swapped PHP $2y$
for prefix, fmt in (("$2b$", "bcrypt-2b"), ("$2a$", "bcrypt-2a")):
    for pw, h in php_bcrypt_2y:
        add(fmt, pw, prefix + h[4:],
            f"PREFIX-SWAP of PHP {PHP_V} password_hash(PASSWORD_BCRYPT) $2y$ output to {prefix} "
            f"(same algorithm for these passwords; not produced natively by a {prefix} implementation)")

# ---------------------------------------------------------------- Django pbkdf2
ALNUM = string.ascii_letters + string.digits
def django_salt():
    return "".join(secrets.choice(ALNUM) for _ in range(22))

for algo, iters_list, dklen in (("sha256", (600000, 260000), 32), ("sha1", (260000,), 20)):
    for it in iters_list:
        for pw in PWS:
            salt = django_salt()
            dk = hashlib.pbkdf2_hmac(algo, pw.encode("utf-8"), salt.encode("ascii"), it)
            assert len(dk) == dklen
            h = f"pbkdf2_{algo}${it}${salt}${base64.b64encode(dk).decode('ascii')}"
            add(f"pbkdf2_{algo}", pw, h,
                f"Python {PY_V} hashlib.pbkdf2_hmac('{algo}', pw_utf8, salt_ascii, {it}) dklen {dklen}, Django layout, std base64 with padding")

# ---------------------------------------------------------------- PHC pbkdf2 / scrypt
def b64_nopad(b):
    return base64.b64encode(b).decode("ascii").rstrip("=")

def ab64(b):  # passlib "adapted base64": '+' -> '.', no padding
    return b64_nopad(b).replace("+", ".")

def pick_salt(fn):
    """Random 16-byte salt; retry until the standard-base64 text of salt or dk contains '+',
    so that the ab64 ('.') vs std ('+') alphabet difference is actually exercised."""
    for _ in range(10000):
        salt = secrets.token_bytes(16)
        dk = fn(salt)
        if "+" in b64_nopad(salt) + b64_nopad(dk):
            return salt, dk
    raise SystemExit("could not find salt with '+'")

for algo, it, dklen in (("sha256", 29000, 32), ("sha512", 25000, 64)):
    for style in ("passlib", "std"):
        for pw in PWS:
            salt, dk = pick_salt(lambda s: hashlib.pbkdf2_hmac(algo, pw.encode("utf-8"), s, it, dklen))
            if style == "passlib":
                h = f"$pbkdf2-{algo}$i={it}${ab64(salt)}${ab64(dk)}"
                add(f"pbkdf2-{algo}", pw, h,
                    f"Python {PY_V} hashlib.pbkdf2_hmac('{algo}', pw_utf8, salt16, {it}, {dklen}); passlib layout, ab64 (+ -> ., no padding)")
            else:
                h = f"$pbkdf2-{algo}$i={it}${b64_nopad(salt)}${b64_nopad(dk)}"
                add(f"pbkdf2-{algo}-phc-std", pw, h,
                    f"Python {PY_V} hashlib.pbkdf2_hmac('{algo}', pw_utf8, salt16, {it}, {dklen}); PHC-spec B64 (std alphabet with '+', no padding)")

for ln in (16, 14):
    for pw in PWS:
        salt, dk = pick_salt(lambda s: hashlib.scrypt(pw.encode("utf-8"), salt=s, n=2**ln, r=8, p=1, maxmem=2**27, dklen=32))
        h = f"$scrypt$ln={ln},r=8,p=1${ab64(salt)}${ab64(dk)}"
        add("scrypt", pw, h,
            f"Python {PY_V} hashlib.scrypt(pw_utf8, salt=salt16, n=2**{ln}, r=8, p=1, dklen=32); passlib layout, ab64")

# ---------------------------------------------------------------- legacy
src_l = f"Python {PY_V} hashlib, hex digest of UTF-8 bytes"
for name in ("md5", "sha1", "sha256"):
    for pw in PWS:
        add(name, pw, hashlib.new(name, pw.encode("utf-8")).hexdigest(), src_l)
for name in ("md5", "sha256"):
    for pw in PWS:
        for layout in ("prefix", "suffix"):
            salt = secrets.token_hex(8)
            data = (salt + pw) if layout == "prefix" else (pw + salt)
            add(f"{name}-salt-{layout}", pw, hashlib.new(name, data.encode("utf-8")).hexdigest(),
                f"{src_l}; {name}(" + ("salt + password" if layout == "prefix" else "password + salt") + ")",
                salt=salt)
for pw in PWS:
    add("plaintext", pw, pw, "plaintext (hash == password)")

with open(OUT, "w", encoding="utf-8") as f:
    json.dump(vectors, f, ensure_ascii=False, indent=2)
    f.write("\n")
PY

###############################################################################
# Verifier 1: PHP
cat > "$WORK/verify.php" <<'PHP'
<?php
$vs = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
function b64d($s, $ab64) { if ($ab64) $s = str_replace('.', '+', $s); return base64_decode($s, false); }
function b64e($b, $ab64) { $s = rtrim(base64_encode($b), '='); return $ab64 ? str_replace('+', '.', $s) : $s; }
function check($v, $pw) {
    $f = $v['format']; $h = $v['hash'];
    if (preg_match('/^(bcrypt-|argon2)/', $f)) return password_verify($pw, $h);
    if (preg_match('/^pbkdf2_(sha256|sha1)$/', $f, $m)) {
        [$alg, $it, $salt, $b64] = explode('$', $h);
        $dk = hash_pbkdf2($m[1], $pw, $salt, (int)$it, 0, true);
        return hash_equals($h, "$alg\$$it\$$salt\$" . base64_encode($dk));
    }
    if (preg_match('/^pbkdf2-(sha256|sha512)(-phc-std)?$/', $f, $m)) {
        $ab = !isset($m[2]);
        [, $id, $p, $s, $c] = explode('$', $h);
        $it = (int)substr($p, 2);
        $raw = b64d($c, $ab);
        $dk = hash_pbkdf2($m[1], $pw, b64d($s, $ab), $it, strlen($raw), true);
        return hash_equals($h, "\$$id\$i=$it\$$s\$" . b64e($dk, $ab));
    }
    if ($f === 'scrypt') return null;  // no scrypt in PHP core
    $salt = $v['salt'] ?? '';
    switch ($f) {
        case 'md5': case 'sha1': case 'sha256': return hash_equals($h, hash($f, $pw));
        case 'md5-salt-prefix': return hash_equals($h, md5($salt . $pw));
        case 'md5-salt-suffix': return hash_equals($h, md5($pw . $salt));
        case 'sha256-salt-prefix': return hash_equals($h, hash('sha256', $salt . $pw));
        case 'sha256-salt-suffix': return hash_equals($h, hash('sha256', $pw . $salt));
        case 'plaintext': return hash_equals($h, $pw);
    }
    return null;
}
$out = [];
foreach ($vs as $i => $v) {
    $ok = check($v, $v['password']);
    if ($ok === null) { $out[] = ['i' => $i, 'status' => 'skip']; continue; }
    $bad = check($v, $v['wrong']);
    $also = isset($v['also_verifies']) ? check($v, $v['also_verifies']) : true;
    $out[] = ['i' => $i, 'status' => ($ok && !$bad && $also) ? 'pass' : 'fail',
              'detail' => "ok=" . var_export($ok, true) . " wrong=" . var_export($bad, true) . " also=" . var_export($also, true)];
}
echo json_encode(['verifier' => 'PHP ' . PHP_VERSION . ' (password_verify/hash_pbkdf2/hash)', 'results' => $out], JSON_UNESCAPED_SLASHES);
PHP

###############################################################################
# Verifier 2: Node.js crypto + hash-wasm
cat > "$WORK/verify.js" <<'JS'
const fs = require('fs');
const crypto = require('crypto');
const hw = require(process.argv[3] + '/node_modules/hash-wasm');
const hwVer = require(process.argv[3] + '/node_modules/hash-wasm/package.json').version;
const vs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const b64d = (s, ab) => Buffer.from(ab ? s.replace(/\./g, '+') : s, 'base64');
const b64e = (b, ab) => { const s = b.toString('base64').replace(/=+$/, ''); return ab ? s.replace(/\+/g, '.') : s; };
const H = (alg, s) => crypto.createHash(alg).update(Buffer.from(s, 'utf8')).digest('hex');
async function check(v, pw) {
  const f = v.format, h = v.hash;
  let m;
  if (f.startsWith('bcrypt-')) {
    // hash-wasm refuses >72-byte passwords; bcrypt semantics: use first 72 bytes
    const b = Buffer.from(pw, 'utf8');
    return await hw.bcryptVerify({ password: b.length > 72 ? b.subarray(0, 72) : b, hash: h });
  }
  if (f.startsWith('argon2')) return await hw.argon2Verify({ password: pw, hash: h });
  if ((m = /^pbkdf2_(sha256|sha1)$/.exec(f))) {
    const [alg, it, salt] = h.split('$');
    const dk = crypto.pbkdf2Sync(Buffer.from(pw, 'utf8'), Buffer.from(salt, 'ascii'), +it, m[1] === 'sha1' ? 20 : 32, m[1]);
    return h === `${alg}$${it}$${salt}$${dk.toString('base64')}`;
  }
  if ((m = /^pbkdf2-(sha256|sha512)(-phc-std)?$/.exec(f))) {
    const ab = !m[2];
    const [, id, p, s, c] = h.split('$');
    const it = +p.slice(2);
    const dk = crypto.pbkdf2Sync(Buffer.from(pw, 'utf8'), b64d(s, ab), it, b64d(c, ab).length, m[1]);
    return h === `$${id}$i=${it}$${s}$${b64e(dk, ab)}`;
  }
  if (f === 'scrypt') {
    const [, id, p, s, c] = h.split('$');
    const P = Object.fromEntries(p.split(',').map(kv => kv.split('=')));
    const N = 2 ** +P.ln, r = +P.r, pp = +P.p;
    const dk = crypto.scryptSync(Buffer.from(pw, 'utf8'), b64d(s, true), b64d(c, true).length,
                                 { N, r, p: pp, maxmem: 256 * N * r + 1024 * 1024 });
    return h === `$${id}$${p}$${s}$${b64e(dk, true)}`;
  }
  const salt = v.salt || '';
  switch (f) {
    case 'md5': case 'sha1': case 'sha256': return h === H(f, pw);
    case 'md5-salt-prefix': return h === H('md5', salt + pw);
    case 'md5-salt-suffix': return h === H('md5', pw + salt);
    case 'sha256-salt-prefix': return h === H('sha256', salt + pw);
    case 'sha256-salt-suffix': return h === H('sha256', pw + salt);
    case 'plaintext': return h === pw;
  }
  return null;
}
(async () => {
  const results = [];
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    try {
      const ok = await check(v, v.password);
      if (ok === null) { results.push({ i, status: 'skip' }); continue; }
      const bad = await check(v, v.wrong);
      const also = v.also_verifies !== undefined ? await check(v, v.also_verifies) : true;
      results.push({ i, status: ok && !bad && also ? 'pass' : 'fail', detail: `ok=${ok} wrong=${bad} also=${also}` });
    } catch (e) { results.push({ i, status: 'fail', detail: 'error: ' + e.message }); }
  }
  console.log(JSON.stringify({ verifier: `Node ${process.version} crypto + hash-wasm ${hwVer}`, results }));
})();
JS

###############################################################################
# Verifier 3: Python (libxcrypt for bcrypt; hashlib recompute for the rest; argon2 skipped)
cat > "$WORK/verify.py" <<'PY'
import base64, hashlib, hmac, json, sys, warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import crypt
vs = json.load(open(sys.argv[1], encoding="utf-8"))
def b64d(s, ab):
    s = s.replace(".", "+") if ab else s
    return base64.b64decode(s + "=" * (-len(s) % 4))
def b64e(b, ab):
    s = base64.b64encode(b).decode().rstrip("=")
    return s.replace("+", ".") if ab else s
def check(v, pw):
    f, h, pb = v["format"], v["hash"], pw.encode("utf-8")
    if f.startswith("bcrypt-"):
        r = crypt.crypt(pw, h)
        return r is not None and hmac.compare_digest(r, h)
    if f.startswith("argon2"):
        return None
    if f in ("pbkdf2_sha256", "pbkdf2_sha1"):
        alg, it, salt, _ = h.split("$")
        dk = hashlib.pbkdf2_hmac(f.split("_")[1], pb, salt.encode(), int(it))
        return h == f"{alg}${it}${salt}${base64.b64encode(dk).decode()}"
    if f.startswith("pbkdf2-"):
        ab = not f.endswith("-phc-std")
        _, ident, p, s, c = h.split("$")
        it = int(p[2:])
        dk = hashlib.pbkdf2_hmac(f.split("-")[1], pb, b64d(s, ab), it, len(b64d(c, ab)))
        return h == f"${ident}$i={it}${s}${b64e(dk, ab)}"
    if f == "scrypt":
        _, ident, p, s, c = h.split("$")
        P = {k: int(x) for k, x in (kv.split("=") for kv in p.split(","))}
        dk = hashlib.scrypt(pb, salt=b64d(s, True), n=2 ** P["ln"], r=P["r"], p=P["p"], maxmem=2**28, dklen=len(b64d(c, True)))
        return h == f"${ident}${p}${s}${b64e(dk, True)}"
    salt = v.get("salt", "")
    if f in ("md5", "sha1", "sha256"):
        return h == hashlib.new(f, pb).hexdigest()
    if "-salt-" in f:
        name, _, layout = f.split("-")
        data = (salt + pw) if layout == "prefix" else (pw + salt)
        return h == hashlib.new(name, data.encode("utf-8")).hexdigest()
    if f == "plaintext":
        return h == pw
    return None
res = []
for i, v in enumerate(vs):
    ok = check(v, v["password"])
    if ok is None:
        res.append({"i": i, "status": "skip"}); continue
    bad = check(v, v["wrong"])
    also = check(v, v["also_verifies"]) if "also_verifies" in v else True
    res.append({"i": i, "status": "pass" if ok and not bad and also else "fail", "detail": f"ok={ok} wrong={bad} also={also}"})
print(json.dumps({"verifier": f"Python {sys.version.split()[0]} crypt(libxcrypt)/hashlib", "results": res}))
PY

###############################################################################
# Merge: attach "verified_by" to each vector; fail if any verifier reports a failure
# or if a vector has no passing verifier other than its own generator.
cat > "$WORK/merge.py" <<'PY'
import json, sys
out, reports = sys.argv[1], [json.load(open(p)) for p in sys.argv[2:]]
vs = json.load(open(out, encoding="utf-8"))
failures = 0
for v in vs:
    v["verified_by"] = []
for rep in reports:
    for r in rep["results"]:
        v = vs[r["i"]]
        if r["status"] == "pass":
            v["verified_by"].append(rep["verifier"])
        elif r["status"] == "fail":
            failures += 1
            print(f"FAIL [{rep['verifier']}] #{r['i']} {v['format']} {v['hash'][:40]}...: {r.get('detail')}", file=sys.stderr)
for i, v in enumerate(vs):
    if not v["verified_by"]:
        failures += 1
        print(f"UNVERIFIED #{i} {v['format']}", file=sys.stderr)
with open(out, "w", encoding="utf-8") as f:
    json.dump(vs, f, ensure_ascii=False, indent=2)
    f.write("\n")
counts = {}
for v in vs:
    counts[v["format"]] = counts.get(v["format"], 0) + 1
for k, n in counts.items():
    print(f"{k}: {n}")
print(f"total: {len(vs)}  failures: {failures}")
sys.exit(1 if failures else 0)
PY

TMP_OUT="$WORK/hash-vectors.json"
python3 "$WORK/gen.py" "$WORK" "$TMP_OUT"
php "$WORK/verify.php" "$TMP_OUT" > "$WORK/r_php.json"
node "$WORK/verify.js" "$TMP_OUT" "$DIR" > "$WORK/r_node.json"
python3 "$WORK/verify.py" "$TMP_OUT" > "$WORK/r_py.json"
python3 "$WORK/merge.py" "$TMP_OUT" "$WORK/r_php.json" "$WORK/r_node.json" "$WORK/r_py.json"
cp "$TMP_OUT" "$OUT"
echo "wrote $OUT"
