# Builds a static quotebot binary; the index lives in /data.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /quotebot ./cmd/quotebot
# The runtime image has no shell to make the index folder; made here, it is
# copied owned by the nonroot user, which a new volume at /data inherits.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /quotebot /quotebot
COPY --from=build --chown=65532:65532 /out/data /data
ENV QUOTEBOT_DB=/data/index QUOTEBOT_ADDR=:8080
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/quotebot"]
CMD ["serve"]
