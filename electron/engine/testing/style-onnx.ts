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

/**
 * A tiny stand-in for a saliency / matting model: the mean of the three input channels,
 * [1,3,H,W] → [1,1,H,W] (ReduceMean over axis 1). Bright pixels come out high, so a white square on
 * black reads as the subject — enough to prove that a manifest's tensor contract (input name, size,
 * normalisation, output activation) is followed end to end without the real 100–200 MB files.
 */
export function channelMeanModel(input: string, output: string, height: number, width: number): Buffer {
  const axes = [...text(1, 'axes'), ...bytes(8, varint(1)), ...int(20, 7 /* INTS */)];
  const keepdims = [...text(1, 'keepdims'), ...int(3, 1), ...int(20, 2 /* INT */)];
  const node = [
    ...text(1, input),
    ...text(2, output),
    ...text(3, 'mean'),
    ...text(4, 'ReduceMean'),
    ...bytes(5, axes),
    ...bytes(5, keepdims),
  ];
  const graph = [
    ...bytes(1, node),
    ...text(2, 'test-matte'),
    ...bytes(11, valueInfo(input, [1, 3, height, width])),
    ...bytes(12, valueInfo(output, [1, 1, height, width])),
  ];
  const opset = [...text(1, ''), ...int(2, 13)];
  return Buffer.from([...int(1, 8), ...text(2, 'atelier-test'), ...bytes(7, graph), ...bytes(8, opset)]);
}
