// Hive Gateway as the public gateway benchmark configures it: inbound in-flight request
// deduplication on (it keys on every header, so the unique-Authorization scenario defeats it).
export const gatewayConfig = {
  inboundInflightRequestDeduplication: true,
};
