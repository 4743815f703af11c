# Builds a static quotebot binary; the index lives in /data.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /quotebot ./cmd/quotebot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /quotebot /quotebot
ENV QUOTEBOT_DB=/data/index QUOTEBOT_ADDR=:8080
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/quotebot"]
CMD ["serve"]
