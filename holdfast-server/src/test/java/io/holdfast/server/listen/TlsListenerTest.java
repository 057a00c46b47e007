package io.holdfast.server.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https_ports: TLS client listeners with certificates from a Pushpin-style certs directory. */
class TlsListenerTest {

    /** Writes default.crt/default.key (PEM) made with the JDK's keytool. */
    static void writeCertificate(Path dir, String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "k", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        Files.delete(store);
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes());
        Files.writeString(dir.resolve(name + ".crt"), "-----BEGIN CERTIFICATE-----\n"
                + b64.encodeToString(ks.getCertificate("k").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(dir.resolve(name + ".key"), "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(ks.getKey("k", "changeit".toCharArray()).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    }

    static HttpClient trustingClient() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Test
    void httpsListenerServesClientsAndTellsTheOriginTheyCameOverTls(@TempDir Path certs) throws Exception {
        writeCertificate(certs, "default");
        try (TestOrigin origin = new TestOrigin();
             Holdfast hf = Holdfast.start(b -> b.httpsListeners(List.of(new ListenAddress("127.0.0.1", 0)))
                     .tlsCertsDir(certs), "*,ssl=yes " + origin.target())) {
            origin.handle("/", ex -> {
                byte[] body = ("proto=" + ex.getRequestHeaders().getFirst("X-Forwarded-Proto")).getBytes();
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            });
            int port = hf.server().httpsAddresses().get(0).getPort();
            HttpResponse<String> r = trustingClient().send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("proto=https");
            assertThat(hf.get("/").statusCode()).as("plain HTTP does not match the ssl=yes route").isEqualTo(502);
        }
    }

    /** Runs openssl (Debian's, installed by .ci/run) and fails the test if it fails. */
    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void pkcs1RsaAndSec1EcKeysLoadForHttpsListeners(@TempDir Path certs) throws Exception {
        // What "openssl genrsa -traditional" and "openssl ecparam -genkey" write: not PKCS#8.
        openssl(certs, "genrsa", "-traditional", "-out", "rsa.key", "2048");
        openssl(certs, "req", "-new", "-x509", "-key", "rsa.key", "-out", "rsa.crt", "-days", "2", "-subj", "/CN=rsa.test");
        openssl(certs, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "default.key");
        openssl(certs, "req", "-new", "-x509", "-key", "default.key", "-out", "default.crt", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        Files.move(certs.resolve("rsa.key"), certs.resolve("rsa.test.key"));
        Files.move(certs.resolve("rsa.crt"), certs.resolve("rsa.test.crt"));
        assertThat(Files.readString(certs.resolve("rsa.test.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(certs.resolve("default.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        try (TestOrigin origin = new TestOrigin();
             Holdfast hf = Holdfast.start(b -> b.httpsListeners(List.of(new ListenAddress("127.0.0.1", 0)))
                     .tlsCertsDir(certs), "* " + origin.target())) {
            origin.handle("/", ex -> {
                byte[] body = "over tls".getBytes();
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            });
            int port = hf.server().httpsAddresses().get(0).getPort();
            HttpResponse<String> r = trustingClient().send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("over tls");
            // The RSA pair is chosen by SNI.
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory()
                    .createSocket("127.0.0.1", port)) {
                javax.net.ssl.SSLParameters params = socket.getSSLParameters();
                params.setServerNames(List.of(new javax.net.ssl.SNIHostName("rsa.test")));
                socket.setSSLParameters(params);
                socket.startHandshake();
                X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=rsa.test");
                assertThat(peer.getPublicKey().getAlgorithm()).isEqualTo("RSA");
            }
        }
    }
}
