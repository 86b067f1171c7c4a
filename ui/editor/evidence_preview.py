"""What an evidence file looks like: photos scaled to fit, a PDF's first page, else its name.

PDF pages are drawn with PDFium (``pypdfium2``, a small wheel) because Qt's PDF module is not
in PySide6-Essentials.
"""

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap

from inspector.attachments import Attachment, has_content, read_bytes
from inspector.store import Store


def picture_of(store: Store, attachment: Attachment, size: QSize) -> QPixmap | None:
    """The file's picture scaled into ``size``; None for a file that has no picture."""
    if not (attachment.is_image or attachment.is_pdf) or not has_content(store, attachment.sha256):
        return None
    data = read_bytes(store, attachment.sha256)  # decrypted: the store keeps files encrypted
    image = QImage.fromData(data) if attachment.is_image else first_page(data, size)
    if image.isNull():
        return None
    scaled = image.scaled(
        size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return QPixmap.fromImage(scaled)


def first_page(data: bytes, size: QSize) -> QImage:
    """Page one of a PDF drawn at about ``size``; a null image when it cannot be read."""
    import pypdfium2  # loaded on demand: only PDFs need it

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return QImage()
    try:
        if len(document) == 0:
            return QImage()
        page = document[0]
        width, height = page.get_size()
        scale = min(size.width() / width, size.height() / height) * 2  # sharp on high DPI
        bitmap = page.render(scale=scale, rev_byteorder=True)
        data = bytes(bitmap.buffer)
        image = QImage(
            data, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888
        )
        return image.copy()  # own the pixels: ``data`` goes away with this frame
    finally:
        document.close()


def describe(attachment: Attachment) -> str:
    """Name, kind and size in words, under the preview."""
    kind = "照片" if attachment.is_image else "PDF 文件" if attachment.is_pdf else "文件"
    size = attachment.size
    shown = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"
    return f"{attachment.file_name}　{kind}，{shown}"
