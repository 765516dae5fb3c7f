//! The donations area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    donors_help: "Tổ chức, cá nhân ủng hộ thiết bị hoặc kinh phí. Thông tin liên hệ chỉ Ban điều phối xem được; tên chỉ được công khai khi nhà tài trợ đồng ý.", "Organisations and people who give devices or money. Only the Board sees their contacts; a name is published only with the donor's consent.";
    donors_none: "Chưa có nhà tài trợ nào.", "No donor yet.";
    donor: "Nhà tài trợ", "Donor";
    donor_new: "Thêm nhà tài trợ", "Add a donor";
    donor_name: "Tên nhà tài trợ", "Donor's name";
    donor_kind: "Loại", "Kind";
    donor_organisation: "Tổ chức, doanh nghiệp", "Organisation";
    donor_person: "Cá nhân", "Person";
    donor_contact: "Người liên hệ", "Contact person";
    donor_tax_code: "Mã số thuế / số CCCD", "Tax code / identity number";
    donor_public: "Công khai tên", "Name published";
    donor_publish: "Nhà tài trợ đồng ý công khai tên", "The donor agrees to have their name published";
    donor_anonymous: "Giấu tên", "Anonymous";
    donor_earmark: "Chỉ định sử dụng", "Earmark";
    donor_earmark_help: "Nếu nhà tài trợ chỉ định địa bàn hoặc đối tượng, việc phân bổ phải tôn trọng chỉ định này. Để trống nếu không chỉ định.", "If the donor names a place or a tier, allocation must respect it. Leave empty if not.";
    donor_earmark_unit: "Huyện hoặc trường (mã đơn vị)", "District or school (unit code)";
    donor_earmark_tier: "Đối tượng", "Tier";
    donor_saved: "Đã lưu thông tin nhà tài trợ.", "Donor saved.";
    phone: "Điện thoại", "Phone";
    email: "Thư điện tử", "E-mail";
    address: "Địa chỉ", "Address";
    any: "Không chỉ định", "None";
    yes: "Có", "Yes";
    donations_help: "Các lần Ban điều phối tiếp nhận thiết bị ủng hộ, mỗi lần có biên bản tiếp nhận đánh số và danh sách số sê-ri.", "Each receipt of donated devices by the Board, with its numbered receipt minutes and list of serials.";
    donations_none: "Chưa có lần tiếp nhận nào.", "No receipt yet.";
    donation_new_help: "Mỗi dòng một mẫu máy; số lượng là số số sê-ri đã quét hoặc dán. Có một số sê-ri sai hoặc trùng thì không ghi gì, mọi lỗi được liệt kê để sửa.", "One line per model; the quantity is the number of serials scanned or pasted. If any serial is wrong or repeated, nothing is recorded and every problem is listed.";
    donation_refused: "Chưa ghi biên bản: hãy sửa các số sê-ri sau rồi lưu lại.", "Nothing was recorded: correct these serials and save again.";
    donation_record: "Ghi biên bản và đăng ký thiết bị", "Record the receipt and register the devices";
    donation_saved: "Đã ghi biên bản tiếp nhận; các thiết bị đang chờ thẩm định.", "Receipt recorded; its devices await appraisal.";
    minutes_no: "Biên bản số", "Minutes no.";
    received_on: "Ngày tiếp nhận", "Received on";
    receipt_place: "Địa điểm tiếp nhận", "Place of receipt";
    donor_rep: "Đại diện bên giao", "Giver's representative";
    board_rep: "Đại diện bên nhận (Ban điều phối)", "Receiver's representative (the Board)";
    position: "Chức vụ", "Position";
    receipt_line: "Dòng", "Line";
    receipt_items: "Thiết bị tiếp nhận", "Devices received";
    line_no: "STT", "No.";
    quantity: "Số lượng", "Quantity";
    condition: "Tình trạng", "Condition";
    condition_new: "Mới", "New";
    condition_used: "Đã qua sử dụng", "Used";
    unit_value: "Đơn giá khai báo (đồng)", "Declared unit value (đồng)";
    declared_value: "Giá trị", "Value";
    serials_of_line: "Số sê-ri của dòng", "Serials of line";
    print_minutes: "In biên bản tiếp nhận (PDF)", "Print the receipt minutes (PDF)";
    documents: "Tài liệu kèm theo", "Documents";
    documents_none: "Chưa có tài liệu nào.", "No document yet.";
    document_add: "Đính kèm tài liệu (thư ủng hộ, biên bản có chữ ký, hóa đơn…)", "Attach a document (letter of gift, signed minutes, invoice…)";
    document_help: "PDF, ảnh, Word hoặc Excel, tối đa 20 MB; lưu kèm mã SHA-256 để đối chiếu.", "PDF, photo, Word or Excel, up to 20 MB; kept with its SHA-256 for checking.";
    document_saved: "Đã đính kèm tài liệu.", "Document attached.";
    recorded_by: "Người ghi", "Recorded by";
    devices_unit: "thiết bị", "devices";
}
