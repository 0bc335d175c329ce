import SkiffRuntime
import Testing

/// The frames between the node and a container's shim for `kubectl attach`.
@Suite struct AttachFrameTests {
  @Test func framesSplitWhereverTheBytesArrive() {
    let stream = AttachFrame.encode(AttachFrame.stdin, Array("hello".utf8))
      + AttachFrame.encode(AttachFrame.resize, AttachFrame.resizePayload(rows: 40, columns: 132))
      + AttachFrame.encode(AttachFrame.closeStdin, [])
    #expect(Array(stream.prefix(5)) == [0, 0, 0, 0, 5])
    // Fed one byte at a time, the same three frames come out, each once.
    var buffer: [UInt8] = []
    var frames: [(type: UInt8, payload: [UInt8])] = []
    for byte in stream {
      buffer.append(byte)
      frames += AttachFrame.take(&buffer)
    }
    #expect(buffer.isEmpty)
    #expect(frames.map(\.type) == [AttachFrame.stdin, AttachFrame.resize, AttachFrame.closeStdin])
    #expect(frames[0].payload == Array("hello".utf8))
    #expect(frames[1].payload == [0, 40, 0, 132])
    #expect(frames[2].payload.isEmpty)
  }

  @Test func aLargeFrameWaitsForAllItsBytes() {
    let payload = [UInt8](repeating: 7, count: 70_000)
    var buffer = Array(AttachFrame.encode(AttachFrame.stdout, payload).dropLast())
    #expect(AttachFrame.take(&buffer).isEmpty)
    buffer.append(7)
    let frames = AttachFrame.take(&buffer)
    #expect(frames.count == 1 && frames[0].payload == payload && frames[0].type == AttachFrame.stdout)
  }
}
