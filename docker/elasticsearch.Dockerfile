# The official Elasticsearch image plus the news-analysis plugin (engine/plugin/), whose
# `news_*` token filters the index settings use. Build context is the repository root.
ARG ES_VERSION=9.5.4

# Stage 1: compile the plugin jar and assemble the installable zip the way engine/plugin.py
# does: the jar, its runtime dependencies (commons-codec, which Maven copies to out/lib/),
# named_components.json and the descriptor with the ES version filled in.
FROM maven:3.9-eclipse-temurin-21 AS plugin
ARG ES_VERSION
WORKDIR /build
COPY engine/plugin/ ./
RUN mvn -q -B -Dnews.build.dir=/build/out package \
    && mkdir zip \
    && cp out/news-analysis.jar out/lib/*.jar named_components.json zip/ \
    && sed "s/@ELASTICSEARCH_VERSION@/${ES_VERSION}/" stable-plugin-descriptor.properties \
        > zip/stable-plugin-descriptor.properties \
    && jar --create --no-manifest --file /build/news-analysis.zip -C zip .

# Stage 2: install it into the official image (the documented way to add plugins).
FROM docker.elastic.co/elasticsearch/elasticsearch:${ES_VERSION}
COPY --from=plugin /build/news-analysis.zip /tmp/news-analysis.zip
RUN bin/elasticsearch-plugin install --batch file:///tmp/news-analysis.zip
# The snapshot folder (path.repo in the compose files), made here so that a new volume mounted
# on it starts out owned by the elasticsearch user, as Docker copies the image's ownership.
RUN mkdir -p /usr/share/elasticsearch/snapshots
