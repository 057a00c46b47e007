package io.holdfast.server.listen;

import io.holdfast.grip.sig.GripKeyException;
import io.holdfast.grip.sig.PemKeys;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Server certificates for TLS listeners, laid out as Pushpin's connmgr expects in {@code runner/certs}:
 * {@code <host>.crt} + {@code <host>.key} (PEM) chosen by SNI, {@code _.example.com.crt} for a
 * one-level wildcard, and {@code default_<port>.crt} when no name matches (or {@code default.crt}).
 */
public final class TlsCertificates {
    private final Map<String, SslContext> byHost = new LinkedHashMap<>();
    private final Map<String, SslContext> defaults = new LinkedHashMap<>();
    private final Path dir;

    private TlsCertificates(Path dir) {
        this.dir = dir;
    }

    /** Loads every certificate pair in {@code dir}; fails naming the file that is wrong. */
    public static TlsCertificates load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("TLS certificate directory " + dir + " does not exist (https_ports needs "
                    + "<host>.crt/.key or default_<port>.crt/.key there)");
        }
        TlsCertificates certs = new TlsCertificates(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
            for (Path crt : files) {
                String name = crt.getFileName().toString();
                name = name.substring(0, name.length() - ".crt".length());
                Path key = dir.resolve(name + ".key");
                if (!Files.isRegularFile(key)) {
                    throw new IOException("certificate " + crt + " has no key file " + key);
                }
                SslContext ctx;
                try {
                    ctx = contextFor(crt, key);
                } catch (SSLException | IllegalArgumentException | GripKeyException | CertificateException e) {
                    throw new IOException("cannot load certificate " + crt + ": " + e.getMessage(), e);
                }
                if (name.startsWith("default")) {
                    certs.defaults.put(name, ctx);
                } else {
                    certs.byHost.put(name.startsWith("_.") ? "*" + name.substring(1) : name, ctx);
                }
            }
        }
        if (certs.byHost.isEmpty() && certs.defaults.isEmpty()) {
            throw new IOException("no certificates (*.crt with *.key) in " + dir);
        }
        return certs;
    }

    /**
     * A server context for one pair. Netty reads PKCS#8 keys itself; PKCS#1 ({@code RSA PRIVATE KEY})
     * and SEC1 ({@code EC PRIVATE KEY}) keys, which OpenSSL and Pushpin users' cert tools often
     * write, go through the same PEM reader as {@code sig_key}.
     */
    private static SslContext contextFor(Path crt, Path key) throws IOException, SSLException, CertificateException {
        String keyText = Files.readString(key, StandardCharsets.US_ASCII);
        if (!keyText.contains("-----BEGIN RSA PRIVATE KEY-----") && !keyText.contains("-----BEGIN EC PRIVATE KEY-----")) {
            return SslContextBuilder.forServer(crt.toFile(), key.toFile()).build();
        }
        PrivateKey privateKey = PemKeys.privateKey(keyText, key.toString());
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(crt)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        }
        if (chain.isEmpty()) {
            throw new CertificateException("no certificate in " + crt);
        }
        return SslContextBuilder.forServer(privateKey, chain.toArray(new X509Certificate[0])).build();
    }

    /** The SNI mapping for a listener on {@code port}: by host name, else that port's default. */
    public Mapping<String, SslContext> forPort(int port) {
        SslContext fallback = defaults.getOrDefault("default_" + port, defaults.get("default"));
        if (fallback == null) {
            fallback = defaults.isEmpty() ? byHost.values().iterator().next() : defaults.values().iterator().next();
        }
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(fallback);
        byHost.forEach(mapping::add);
        return mapping.build();
    }

    public Path dir() {
        return dir;
    }
}
