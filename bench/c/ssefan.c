/*
 * ssefan: an SSE fan-out load client outside the JVM, so that the Java load generator's figures can be
 * checked by a client that shares nothing with it.
 *
 * Opens N SSE subscribers (GET /sse?channel=C through the proxy; the bench origin holds them with
 * Grip-Hold: stream), waits until every one has its response head, then runs B bursts of M publishes
 * (HTTP POST /publish/ on the publish port, BATCH items per request, default 1, the way the Java
 * harness's "max" mode publishes). Every published message carries its publish time
 * (CLOCK_MONOTONIC nanoseconds, "t=<ns>") in its payload; every subscriber scans its stream for those
 * stamps, so a delivery's latency is its receive time minus the stamp. One epoll loop, non-blocking
 * sockets, no threads.
 *
 * Prints one line per burst and a summary line the Java harness (or a person) parses:
 *   CFANOUT burst=1 deliveries=... expected=... seconds=... deliveries_per_s=... p50_ms=... p99_ms=... max_ms=...
 *   CFANOUT summary warm_deliveries_per_s=... warm_p50_ms=... warm_p99_ms=... first_deliveries_per_s=...
 * Burst 1 is the first after start-up (reported separately); the warm figures cover bursts 2..B.
 *
 * Build: gcc -O2 -o ssefan ssefan.c
 * Usage: ssefan HOST PROXY_PORT PUBLISH_PORT CHANNEL SUBSCRIBERS BURSTS MESSAGES_PER_BURST [BATCH]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    int head_done;      /* response head (\r\n\r\n) seen */
    int head_match;     /* bytes of \r\n\r\n matched so far */
    int stamp_match;    /* bytes of "t=" matched so far; 2 = reading digits */
    uint64_t stamp;     /* digits read so far */
} conn_t;

static struct sockaddr_in addr_of(const char *host, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t) port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "ssefan: bad IPv4 address %s\n", host);
        exit(2);
    }
    return a;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

static double pct_ms(uint64_t *v, size_t n, double p) {
    if (n == 0) return -1;
    size_t i = (size_t) (p * (double) (n - 1) + 0.5);
    return (double) v[i] / 1e6;
}

/* One publish, blocking, on its own connection: POST /publish/ and read until the status line arrives. */
static int publish(struct sockaddr_in *pub, const char *channel, int items) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) pub, sizeof *pub) != 0) {
        perror("ssefan: publish connect");
        if (fd >= 0) close(fd);
        return -1;
    }
    static char body[65536], req[66000];
    int bl = snprintf(body, sizeof body, "{\"items\":[");
    unsigned long long stamp = (unsigned long long) now_ns();
    for (int i = 0; i < items; i++) {
        bl += snprintf(body + bl, sizeof body - (size_t) bl,
            "%s{\"channel\":\"%s\",\"formats\":{\"http-stream\":{\"content\":\"data: t=%llu\\n\\n\"}}}",
            i ? "," : "", channel, stamp);
    }
    bl += snprintf(body + bl, sizeof body - (size_t) bl, "]}");
    int rl = snprintf(req, sizeof req,
        "POST /publish/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: %d\r\nConnection: close\r\n\r\n%s", bl, body);
    if (write(fd, req, (size_t) rl) != rl) { perror("ssefan: publish write"); close(fd); return -1; }
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 12 || strncmp(buf + 9, "200", 3) != 0) {
        if (n > 0) { buf[n] = 0; fprintf(stderr, "ssefan: publish refused: %.80s\n", buf); }
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 8 && argc != 9) {
        fprintf(stderr, "usage: ssefan HOST PROXY_PORT PUBLISH_PORT CHANNEL SUBSCRIBERS BURSTS MESSAGES_PER_BURST [BATCH]\n");
        return 64;
    }
    const char *host = argv[1], *channel = argv[4];
    struct sockaddr_in proxy = addr_of(host, atoi(argv[2]));
    struct sockaddr_in pub = addr_of(host, atoi(argv[3]));
    int n = atoi(argv[5]), bursts = atoi(argv[6]), msgs = atoi(argv[7]);
    int batch = argc == 9 ? atoi(argv[8]) : 1;
    if (n < 1 || bursts < 1 || msgs < 1 || batch < 1 || batch > 200 || strlen(channel) > 100) { fprintf(stderr, "ssefan: bad arguments\n"); return 64; }

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t) n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t) n + 64 ? rl.rlim_max : (rlim_t) n + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    int ep = epoll_create1(0);
    conn_t *c = calloc((size_t) n, sizeof *c);
    char req[256];
    int reql = snprintf(req, sizeof req, "GET /sse?channel=%s HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n", channel);
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &proxy, sizeof proxy) != 0) { perror("ssefan: connect"); return 1; }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (write(fd, req, (size_t) reql) != reql) { perror("ssefan: write"); return 1; }
        fcntl(fd, F_SETFL, O_NONBLOCK);
        c[i].fd = fd;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t) i };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }

    size_t cap = (size_t) n * (size_t) msgs;
    uint64_t *lat = malloc(cap * sizeof *lat);
    uint64_t *warm = malloc(cap * (size_t) (bursts > 1 ? bursts - 1 : 1) * sizeof *warm);
    size_t nlat = 0, nwarm = 0, heads = 0, closed = 0;
    double warm_seconds = 0, first_rate = 0;
    static char buf[65536];
    struct epoll_event evs[256];

    /* Phase -1 waits for every response head; phases 0..bursts-1 are the bursts. */
    for (int phase = -1; phase < bursts; phase++) {
        uint64_t start = now_ns(), last_rx = start;
        size_t want = phase < 0 ? (size_t) n : cap;
        nlat = 0;
        if (phase >= 0) {
            for (int m = 0; m < msgs; m += batch) {
                if (publish(&pub, channel, msgs - m < batch ? msgs - m : batch) != 0) return 1;
            }
        }
        uint64_t deadline = start + 30ull * 1000000000ull;
        while ((phase < 0 ? heads : nlat) < want && now_ns() < deadline) {
            int k = epoll_wait(ep, evs, 256, 100);
            for (int e = 0; e < k; e++) {
                conn_t *x = &c[evs[e].data.u32];
                ssize_t r = read(x->fd, buf, sizeof buf);
                if (r <= 0) {
                    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                    epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
                    close(x->fd);
                    closed++;
                    continue;
                }
                uint64_t t = now_ns();
                for (ssize_t j = 0; j < r; j++) {
                    char ch = buf[j];
                    if (!x->head_done) {
                        static const char end[] = "\r\n\r\n";
                        x->head_match = ch == end[x->head_match] ? x->head_match + 1 : (ch == '\r' ? 1 : 0);
                        if (x->head_match == 4) { x->head_done = 1; heads++; }
                        continue;
                    }
                    if (x->stamp_match == 2) {
                        if (ch >= '0' && ch <= '9') { x->stamp = x->stamp * 10 + (uint64_t) (ch - '0'); continue; }
                        if (nlat < cap && t >= x->stamp) { lat[nlat++] = t - x->stamp; last_rx = t; }
                        x->stamp_match = 0;
                        x->stamp = 0;
                    }
                    if (x->stamp_match == 0 && ch == 't') x->stamp_match = 1;
                    else if (x->stamp_match == 1 && ch == '=') x->stamp_match = 2;
                    else x->stamp_match = 0;
                }
            }
        }
        if (phase < 0) {
            if (heads < (size_t) n) { fprintf(stderr, "ssefan: only %zu of %d subscribers got a response head\n", heads, n); return 1; }
            continue;
        }
        double secs = (double) (last_rx - start) / 1e9;
        double rate = secs > 0 ? (double) nlat / secs : 0;
        qsort(lat, nlat, sizeof *lat, cmp_u64);
        printf("CFANOUT burst=%d deliveries=%zu expected=%zu seconds=%.3f deliveries_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f closed=%zu\n",
               phase + 1, nlat, cap, secs, rate, pct_ms(lat, nlat, 0.50), pct_ms(lat, nlat, 0.99),
               nlat ? (double) lat[nlat - 1] / 1e6 : -1.0, closed);
        fflush(stdout);
        if (phase == 0) {
            first_rate = rate;
        } else {
            memcpy(warm + nwarm, lat, nlat * sizeof *lat);
            nwarm += nlat;
            warm_seconds += secs;
        }
    }
    qsort(warm, nwarm, sizeof *warm, cmp_u64);
    printf("CFANOUT summary subscribers=%d bursts=%d messages=%d first_deliveries_per_s=%.0f warm_deliveries_per_s=%.0f warm_p50_ms=%.2f warm_p99_ms=%.2f\n",
           n, bursts, msgs, first_rate, warm_seconds > 0 ? (double) nwarm / warm_seconds : 0,
           pct_ms(warm, nwarm, 0.50), pct_ms(warm, nwarm, 0.99));
    return 0;
}
