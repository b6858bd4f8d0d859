<?php
// Laravel's own Encrypter (Debian's php-illuminate-encryption) as Fortify calls it through encrypt()/decrypt(), run
// by LaravelTool (integration tests). The key comes from the environment (APP_KEY, "base64:..."), values from argv:
//   encrypt VALUE   encrypt(VALUE): serialized, AES-256-CBC, the payload printed
//   decrypt PAYLOAD decrypt(PAYLOAD): the value printed (exit 1 when the payload is refused)
//   hash PASSWORD   bcrypt as Laravel's Hash::make writes it ($2y$)
require '/usr/share/php/Illuminate/Encryption/autoload.php';

$key = getenv('APP_KEY');
if (strpos($key, 'base64:') === 0) {
    $key = base64_decode(substr($key, 7));
}
[$command, $value] = [$argv[1], $argv[2]];
if ($command === 'hash') {
    echo password_hash($value, PASSWORD_BCRYPT);
    exit(0);
}
$encrypter = new Illuminate\Encryption\Encrypter($key, 'AES-256-CBC');
if ($command === 'encrypt') {
    echo $encrypter->encrypt($value);
} elseif ($command === 'decrypt') {
    try {
        echo $encrypter->decrypt($value);
    } catch (Illuminate\Contracts\Encryption\DecryptException $e) {
        fwrite(STDERR, $e->getMessage());
        exit(1);
    }
} else {
    exit(2);
}
