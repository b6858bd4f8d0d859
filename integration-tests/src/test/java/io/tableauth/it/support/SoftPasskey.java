package io.tableauth.it.support;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A software passkey in the test JVM: an ES256 key pair behind the W3C JSON forms a browser's
 * {@code navigator.credentials} hands to a page ({@code RegistrationResponseJSON}, {@code AuthenticationResponseJSON}),
 * with "none" attestation, the WebAuthn authenticator data and signature laid out byte for byte, and a signature
 * counter. Tests may set the counter, the origin and the RP ID to play a cloned or foreign authenticator.
 */
public final class SoftPasskey {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair keys;
    private final byte[] credentialId = new byte[32];
    private byte[] userHandle;
    /** The signature counter the next assertion carries (then one more). */
    public int counter;
    /** Whether the authenticator says it verified the user (the UV flag). */
    public boolean userVerified = true;

    public SoftPasskey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        new SecureRandom().nextBytes(credentialId);
    }

    /**
     * A new authenticator (its own key pair) that claims the credential id of {@code other}: what someone who read a
     * victim's credential id would register to take it over.
     */
    public static SoftPasskey withTheIdOf(SoftPasskey other) {
        SoftPasskey copy = new SoftPasskey();
        System.arraycopy(other.credentialId, 0, copy.credentialId, 0, other.credentialId.length);
        return copy;
    }

    public String id() {
        return B64URL.encodeToString(credentialId);
    }

    /** The {@code RegistrationResponseJSON} for these creation options, as made on a page of {@code origin}. */
    public ObjectNode register(JsonNode options, String origin) {
        return register(options, origin, options.path("rp").path("id").asText());
    }

    /** As {@link #register(JsonNode, String)}, for the RP ID {@code rpId} (a foreign one, to be refused). */
    public ObjectNode register(JsonNode options, String origin, String rpId) {
        userHandle = Base64.getUrlDecoder().decode(options.path("user").path("id").asText());
        byte[] clientData = clientData("webauthn.create", options.path("challenge").asText(), origin);
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(0x01 | (userVerified ? 0x04 : 0) | 0x40); // UP, UV, AT
        authData.writeBytes(ByteBuffer.allocate(4).putInt(counter).array());
        authData.writeBytes(new byte[16]); // AAGUID
        authData.writeBytes(ByteBuffer.allocate(2).putShort((short) credentialId.length).array());
        authData.writeBytes(credentialId);
        authData.writeBytes(coseKey());
        Cbor attestation = new Cbor().map(3).text("fmt").text("none").text("attStmt").map(0)
            .text("authData").bytes(authData.toByteArray());
        ObjectNode response = JSON.createObjectNode()
            .put("clientDataJSON", B64URL.encodeToString(clientData))
            .put("attestationObject", B64URL.encodeToString(attestation.toByteArray()));
        response.putArray("transports").add("internal");
        return credential(response);
    }

    /** The {@code AuthenticationResponseJSON} for these request options, as made on a page of {@code origin}. */
    public ObjectNode authenticate(JsonNode options, String origin) {
        return authenticate(options, origin, options.path("rpId").asText());
    }

    /** As {@link #authenticate(JsonNode, String)}, for the RP ID {@code rpId}. */
    public ObjectNode authenticate(JsonNode options, String origin, String rpId) {
        counter++;
        byte[] clientData = clientData("webauthn.get", options.path("challenge").asText(), origin);
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(0x01 | (userVerified ? 0x04 : 0));
        authData.writeBytes(ByteBuffer.allocate(4).putInt(counter).array());
        byte[] data = authData.toByteArray();
        byte[] signature;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(data);
            signer.update(sha256(clientData));
            signature = signer.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode response = JSON.createObjectNode()
            .put("clientDataJSON", B64URL.encodeToString(clientData))
            .put("authenticatorData", B64URL.encodeToString(data))
            .put("signature", B64URL.encodeToString(signature))
            .put("userHandle", B64URL.encodeToString(userHandle));
        return credential(response);
    }

    private ObjectNode credential(ObjectNode response) {
        ObjectNode credential = JSON.createObjectNode().put("id", id()).put("rawId", id()).put("type", "public-key");
        credential.set("response", response);
        credential.put("authenticatorAttachment", "platform");
        credential.putObject("clientExtensionResults");
        return credential;
    }

    private static byte[] clientData(String type, String challenge, String origin) {
        return JSON.createObjectNode().put("type", type).put("challenge", challenge).put("origin", origin)
            .put("crossOrigin", false).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The public key as a COSE EC2 key (kty 2, alg -7 ES256, crv 1 P-256, x, y). */
    private byte[] coseKey() {
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        return new Cbor().map(5).integer(1).integer(2).integer(3).integer(-7).integer(-1).integer(1)
            .integer(-2).bytes(unsigned32(key.getW().getAffineX())).integer(-3).bytes(unsigned32(key.getW().getAffineY()))
            .toByteArray();
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The few CBOR items WebAuthn needs (RFC 8949): small integers, byte and text strings, maps. */
    private static final class Cbor {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Cbor map(int entries) {
            return head(5, entries);
        }

        Cbor integer(long value) {
            return value >= 0 ? head(0, value) : head(1, -1 - value);
        }

        Cbor bytes(byte[] value) {
            head(2, value.length);
            out.writeBytes(value);
            return this;
        }

        Cbor text(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            head(3, utf8.length);
            out.writeBytes(utf8);
            return this;
        }

        private Cbor head(int major, long value) {
            if (value < 24) {
                out.write(major << 5 | (int) value);
            } else if (value < 256) {
                out.write(major << 5 | 24);
                out.write((int) value);
            } else {
                out.write(major << 5 | 25);
                out.write((int) (value >> 8));
                out.write((int) value & 0xff);
            }
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
