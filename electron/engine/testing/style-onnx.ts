/**
 * Writes a tiny ONNX model by hand (protobuf wire format, no dependency): one `Neg` node with any
 * dimensions symbolic. Tests use it as a dynamic-size "style" model — with output range [-1, 0] it
 * inverts the picture — to cover the dynamic path and NHWC layouts that no installed model has.
 */
function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return bytes;
}

const key = (field: number, wire: 0 | 2) => varint((field << 3) | wire);
const int = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const bytes = (field: number, payload: number[]) => [...key(field, 2), ...varint(payload.length), ...payload];
const text = (field: number, value: string) => bytes(field, [...Buffer.from(value, 'utf8')]);

/** dims: a number for a fixed size, a string for a symbolic one. */
function valueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d)));
  const tensorType = [...int(1, 1 /* FLOAT */), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))];
}

export function negModel(input: string, output: string, dims: (number | string)[]): Buffer {
  const node = [...text(1, input), ...text(2, output), ...text(3, 'negate'), ...text(4, 'Neg')];
  const graph = [
    ...bytes(1, node),
    ...text(2, 'test-graph'),
    ...bytes(11, valueInfo(input, dims)),
    ...bytes(12, valueInfo(output, dims)),
  ];
  const opset = [...text(1, ''), ...int(2, 13)];
  return Buffer.from([...int(1, 8), ...text(2, 'atelier-test'), ...bytes(7, graph), ...bytes(8, opset)]);
}
