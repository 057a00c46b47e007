# Multi-stage build of Holdfast: Maven builds the release tarball, a JRE image runs it as a
# non-root user. UNTESTED: docker could not run where this file was written.
#   docker build -t holdfast .
#   docker run -p 7999:7999 -p 5561:5561 -e HOLDFAST_HANDLER_PUSH_IN_HTTP_ADDR=0.0.0.0 \
#              -e HOLDFAST_HOLDFAST_PUBLISH_KEY=change-me holdfast
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl holdfast-server -am package \
 && mkdir /dist && tar -xzf holdfast-server/target/holdfast-*-release.tar.gz -C /dist --strip-components=1

FROM eclipse-temurin:17-jre
RUN groupadd --system holdfast && useradd --system --gid holdfast --home /opt/holdfast --shell /usr/sbin/nologin holdfast
COPY --from=build /dist /opt/holdfast
USER holdfast
WORKDIR /opt/holdfast
EXPOSE 7999 5561
# /health answers on the publish port (loopback inside the container is enough for the check).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5561 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/holdfast/bin/holdfast"]
