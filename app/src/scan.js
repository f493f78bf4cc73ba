// Scanning a QR code with the camera, where the browser has the Shape Detection API
// (BarcodeDetector). Elsewhere the verifier page offers pasting only.

let stream = null;
let stopped = true;

export function scanSupported() {
  return typeof window !== 'undefined' && 'BarcodeDetector' in window &&
    !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

// Resolves with the first `shc:/` text seen by the camera, or null when stopped.
export async function scanQr(video) {
  const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
  stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  stopped = false;
  try {
    video.srcObject = stream;
    await video.play();
    while (!stopped) {
      const codes = await detector.detect(video);
      const hit = codes.find((code) => (code.rawValue || '').toLowerCase().startsWith('shc:/'));
      if (hit) return hit.rawValue;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return null;
  } finally {
    stopScan();
    video.srcObject = null;
  }
}

export function stopScan() {
  stopped = true;
  if (stream) {
    stream.getTracks().forEach((track) => track.stop());
    stream = null;
  }
}
