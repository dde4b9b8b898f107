package invitation

import (
	"net/url"
	"strings"
)

// Sender is the dinas that signs letters and messages.
const Sender = "Dinas Perindustrian, Perdagangan, Koperasi dan UKM Kabupaten Solok Selatan"

// salutation is how letters and messages greet the owner.
func (i Invitee) salutation() string {
	if i.OwnerName != "" {
		return "Bapak/Ibu " + i.OwnerName
	}
	return "Bapak/Ibu pemilik " + i.BusinessName
}

// mailBody is the e-mail sent to an invitee with an address.
func (i Issued) mailBody() string {
	var b strings.Builder
	b.WriteString("Yth. " + i.salutation() + ",\n\n")
	b.WriteString("Pemerintah Kabupaten Solok Selatan mengundang " + i.BusinessName + " bergabung di Lapak, " +
		"e-marketplace tempat kantor pemerintah daerah (OPD) membeli barang dan jasa langsung dari UMKM setempat. " +
		"Menurut Peraturan Bupati Solok Selatan, belanja pemerintah daerah sampai Rp200 juta dilakukan kepada UMKM lokal melalui e-marketplace.\n\n")
	b.WriteString("Kode aktivasi Anda: " + i.Code + "\n")
	b.WriteString("Berlaku sampai: " + letterDate(i.ExpiresAt) + "\n\n")
	b.WriteString("Buka tautan berikut untuk mengaktifkan akun dan membuat kata sandi, lalu lengkapi profil dan dokumen usaha Anda:\n")
	b.WriteString(i.URL + "\n\n")
	b.WriteString("Kode hanya dapat dipakai satu kali. Jangan berikan kode atau kata sandi Anda kepada siapa pun; petugas tidak pernah memintanya. " +
		"Pendaftaran di Lapak tidak dipungut biaya.\n\n")
	b.WriteString("Butuh bantuan? Balas e-mail ini atau datang ke kantor dinas di Padang Aro pada hari kerja.\n\n")
	b.WriteString(Sender + "\n")
	return b.String()
}

// Message is the invitation text for a chat message: greeting, what Lapak
// is, the code, its expiry and the activation link.
func (i Issued) Message() string {
	return "Yth. " + i.salutation() + ", " + Sender + " mengundang " + i.BusinessName +
		" bergabung di Lapak, e-marketplace tempat pemerintah daerah membeli barang dan jasa sampai Rp200 juta dari UMKM lokal. " +
		"Kode aktivasi Anda: " + i.Code + " (berlaku sampai " + letterDate(i.ExpiresAt) + "). " +
		"Buka " + i.URL + " lalu buat kata sandi dan lengkapi profil usaha Anda. " +
		"Kode hanya untuk Anda dan hanya dapat dipakai satu kali; jangan berikan kepada orang lain. Pendaftaran gratis."
}

// WhatsAppURL returns a wa.me link that opens a chat with the invitee's phone
// holding Message, for staff to send from their own phones; "" without a phone.
func (i Issued) WhatsAppURL() string {
	number := strings.TrimPrefix(i.Phone, "+")
	if number == "" {
		return ""
	}
	// wa.me reads %20 as a space but shows a literal "+", so spaces are not
	// written as "+" the way url.QueryEscape does.
	return "https://wa.me/" + number + "?text=" + strings.ReplaceAll(url.QueryEscape(i.Message()), "+", "%20")
}
