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
}
