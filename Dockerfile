# Builds a static quotebot binary in a distroless, non-root image; the index
# lives in /data.
#
#   docker build -t quotebot .
#       answers from the built-in statement; the index is built at first start
#   docker build -t quotebot --build-arg CORPUS=path/to/documents .
#       copies that folder (inside the build context) to /corpus and indexes
#       it here, so a container answers at once
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# cmd/quotebot/dockerfile_test.go runs this same command and checks that it
# gives a static binary.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /quotebot ./cmd/quotebot
# Without CORPUS this copies the empty placeholder deploy/corpus and indexes
# nothing. The runtime image has no shell to make the index folder; made
# here, it is copied owned by the nonroot user, which a new volume at /data
# inherits, baked index and all.
ARG CORPUS
COPY ${CORPUS:-deploy/corpus} /corpus
RUN mkdir -p /out/data && if [ -n "$CORPUS" ]; then /quotebot index --corpus /corpus --db /out/data/index; fi

FROM gcr.io/distroless/static-debian12:nonroot
ARG CORPUS
COPY --from=build /quotebot /quotebot
COPY --from=build /corpus /corpus
COPY --from=build --chown=65532:65532 /out/data /data
ENV QUOTEBOT_DB=/data/index QUOTEBOT_ADDR=:8080 QUOTEBOT_CORPUS=${CORPUS:+/corpus}
VOLUME /data
EXPOSE 8080
# Unhealthy after three failed checks; the first two minutes, while an index
# is built at first start, do not count.
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 CMD ["/quotebot", "healthcheck"]
ENTRYPOINT ["/quotebot"]
CMD ["serve"]
