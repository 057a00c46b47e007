package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.holdfast.server.testing.Holdfast;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Targets with the {@code ssl} option, against a real HTTPS origin with a self-signed certificate. */
class TlsOriginTest {
    private HttpsServer origin;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("origin.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "origin", "-keyalg", "EC",
                "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        origin = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        origin.setHttpsConfigurator(new HttpsConfigurator(ctx));
        origin.createContext("/", ex -> {
            byte[] body = "secure hello".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        origin.start();
    }

    @AfterEach
    void stop() {
        origin.stop(0);
    }

    @Test
    void insecureTlsTargetReachesASelfSignedOrigin() throws Exception {
        try (Holdfast hf = Holdfast.start("* 127.0.0.1:" + origin.getAddress().getPort() + ",ssl,insecure")) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("secure hello");
        }
    }

    @Test
    void verifyingTlsTargetRefusesAnUntrustedCertificate() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.debug(true), "* 127.0.0.1:" + origin.getAddress().getPort() + ",ssl")) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("TLS handshake failed");
        }
    }
}
