/**
 * The link codec: `LinkFrame` objects ⇄ protobuf bytes (proto/link.proto). Socket-free, shared by
 * the WebSocket server, the WebSocket client and tests. A transport message holds one or more
 * frames, each preceded by its length as a varint (protobuf's delimited form), so a sender can
 * batch and a receiver can answer one bad frame and still take the others.
 *
 * Decoding never throws: a frame it cannot take comes back as a `LinkDecodeFailure` naming what
 * was wrong and, when they could be read, the handset and correlation to put on the error frame.
 */
import protobuf from "protobufjs";
import { decodeFailure, LinkError, type LinkDecodeFailure } from "./link-errors.js";
import { bodyFromProto, bodyToProto, BadField } from "./link-fields.js";
import type { LinkFrame, LinkMessage } from "./link-messages.js";
import { linkSchema } from "./link-schema.js";

const UINT32_MAX = 0xffffffff;

/** One frame, without a length prefix. Throws LinkError for a value the schema cannot carry. */
export function encodeFrame(frame: LinkFrame): Uint8Array {
  const schema = linkSchema();
  checkUint32("handset", frame.handset);
  checkUint32("correlation", frame.correlation);
  const object: Record<string, unknown> = {
    handset: frame.handset,
    correlation: frame.correlation,
    [fieldOf(frame.message)]: bodyToProto(schema, frame.message),
  };
  return schema.frame.encode(object).finish();
}

/** Frames in the delimited form of one transport message. */
export function encodeFrames(frames: readonly LinkFrame[]): Uint8Array {
  const schema = linkSchema();
  const writer = protobuf.Writer.create();
  for (const frame of frames) {
    checkUint32("handset", frame.handset);
    checkUint32("correlation", frame.correlation);
    const object: Record<string, unknown> = {
      handset: frame.handset,
      correlation: frame.correlation,
      [fieldOf(frame.message)]: bodyToProto(schema, frame.message),
    };
    schema.frame.encodeDelimited(object, writer);
  }
  return writer.finish();
}

/** One frame without a length prefix. */
export function decodeFrame(bytes: Uint8Array): LinkFrame | LinkDecodeFailure {
  const schema = linkSchema();
  let decoded: protobuf.Message;
  try {
    decoded = schema.frame.decode(bytes);
  } catch (error) {
    return decodeFailure("bad-frame", `not a LinkFrame: ${messageOf(error)}`);
  }
  return frameOf(decoded);
}

/**
 * Every frame of one transport message, in order. A frame whose length prefix cannot be read ends
 * the message (nothing after it can be found); a bad frame inside a good length is skipped with
 * its failure and the next one is read.
 */
export function decodeFrames(bytes: Uint8Array): (LinkFrame | LinkDecodeFailure)[] {
  const schema = linkSchema();
  const reader = protobuf.Reader.create(bytes);
  const out: (LinkFrame | LinkDecodeFailure)[] = [];
  // Bounded: every pass consumes at least one byte (the length prefix).
  while (reader.pos < reader.len) {
    let length: number;
    try {
      length = reader.uint32();
    } catch (error) {
      out.push(decodeFailure("bad-frame", `bad length prefix: ${messageOf(error)}`));
      return out;
    }
    const start = reader.pos;
    if (length > reader.len - start) {
      out.push(
        decodeFailure(
          "bad-frame",
          `frame of ${length} bytes overruns the message (${reader.len - start} left)`,
        ),
      );
      return out;
    }
    reader.pos = start + length;
    let decoded: protobuf.Message;
    try {
      decoded = schema.frame.decode(bytes.subarray(start, start + length));
    } catch (error) {
      out.push(decodeFailure("bad-frame", `not a LinkFrame: ${messageOf(error)}`));
      continue;
    }
    out.push(frameOf(decoded));
  }
  return out;
}

export function isDecodeFailure(x: LinkFrame | LinkDecodeFailure): x is LinkDecodeFailure {
  return "kind" in x && x.kind === "decode-failure";
}

function frameOf(decoded: protobuf.Message): LinkFrame | LinkDecodeFailure {
  const fields = decoded as unknown as Record<string, unknown>;
  const handset = typeof fields["handset"] === "number" ? fields["handset"] : 0;
  const correlation = typeof fields["correlation"] === "number" ? fields["correlation"] : 0;
  const body = fields["body"];
  if (typeof body !== "string")
    return decodeFailure("no-body", "the frame carries no message", handset, correlation);
  const value = fields[body];
  if (typeof value !== "object" || value === null) {
    return decodeFailure("no-body", `the frame's ${body} is empty`, handset, correlation);
  }
  try {
    const message = bodyFromProto(linkSchema(), body.replaceAll("_", "-"), value as Record<string, unknown>);
    return { handset, correlation, message };
  } catch (error) {
    if (error instanceof BadField) return decodeFailure("bad-field", error.message, handset, correlation);
    return decodeFailure("bad-frame", messageOf(error), handset, correlation);
  }
}

function fieldOf(message: LinkMessage): string {
  return message.type.replaceAll("-", "_");
}

function checkUint32(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new LinkError("LINK_ENCODE", `${field} ${value} is not a uint32`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
