/* devices.h - the emulated machine of tests/hwemu/run, in umockdev's
 * record format: a Raspberry Pi 4's GPIO chip and two USB serial adapters
 * as the kernel shows them in sysfs (the attributes libserialport and
 * libgpiod read) and as udev links them in /dev (the project's
 * rig/dist/60-rig.rules names, and /dev/serial/by-id).
 */
#ifndef HWEMU_DEVICES_H
#define HWEMU_DEVICES_H

#define HW_CHIP_LABEL "pinctrl-bcm2711"
#define HW_CHIP_LINES 58

#define HW_USB "/devices/platform/scb/fd500000.pcie/pci0000:00/0000:00:00.0/0000:01:00.0/usb1"

/* ttyUSB0: the laser's RS-422 adapter (FTDI FT232R based). */
#define HW_LASER_USB HW_USB "/1-1/1-1.3"
#define HW_DEV_LASER                                                               \
	"P: " HW_LASER_USB "\n"                                                    \
	"E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n"                 \
	"A: busnum=1\nA: devnum=3\nA: idVendor=0403\nA: idProduct=6001\n"        \
	"A: manufacturer=FTDI\nA: product=USB-RS422 Cable\nA: serial=FT4ILD01\n\n" \
	"P: " HW_LASER_USB "/1-1.3:1.0\n"                                          \
	"E: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\nE: DRIVER=ftdi_sio\n"         \
	"A: bInterfaceNumber=00\n\n"                                               \
	"P: " HW_LASER_USB "/1-1.3:1.0/ttyUSB0\n"                                  \
	"E: SUBSYSTEM=usb-serial\nE: DRIVER=ftdi_sio\n\n"                          \
	"P: " HW_LASER_USB "/1-1.3:1.0/ttyUSB0/tty/ttyUSB0\n"                      \
	"N: ttyUSB0\n"                                                             \
	"E: SUBSYSTEM=tty\nE: DEVNAME=/dev/ttyUSB0\nE: MAJOR=188\nE: MINOR=0\n"    \
	"A: dev=188:0\\n\n"                                                           \
	"L: device=../../../ttyUSB0\n\n"

/* ttyUSB1: the pen's USB serial adapter (Silicon Labs CP2102). */
#define HW_PEN_USB HW_USB "/1-1/1-1.4"
#define HW_DEV_PEN                                                                 \
	"P: " HW_PEN_USB "\n"                                                      \
	"E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n"                 \
	"A: busnum=1\nA: devnum=4\nA: idVendor=10c4\nA: idProduct=ea60\n"        \
	"A: manufacturer=Silicon Labs\nA: product=CP2102 USB to UART Bridge Controller\n" \
	"A: serial=0001PEN7\n\n"                                                   \
	"P: " HW_PEN_USB "/1-1.4:1.0\n"                                            \
	"E: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\nE: DRIVER=cp210x\n"           \
	"A: bInterfaceNumber=00\n\n"                                               \
	"P: " HW_PEN_USB "/1-1.4:1.0/ttyUSB1\n"                                    \
	"E: SUBSYSTEM=usb-serial\nE: DRIVER=cp210x\n\n"                            \
	"P: " HW_PEN_USB "/1-1.4:1.0/ttyUSB1/tty/ttyUSB1\n"                        \
	"N: ttyUSB1\n"                                                             \
	"E: SUBSYSTEM=tty\nE: DEVNAME=/dev/ttyUSB1\nE: MAJOR=188\nE: MINOR=1\n"    \
	"A: dev=188:1\\n\n"                                                           \
	"L: device=../../../ttyUSB1\n\n"

/* gpiochip0: the SoC's GPIO block, contents-backed (a plain file to
 * umockdev; the ioctls are the shim's). */
#define HW_DEV_CHIP                                                                \
	"P: /devices/platform/soc/fe200000.gpio/gpiochip0\n"                       \
	"N: gpiochip0=00\n"                                                        \
	"E: SUBSYSTEM=gpio\nE: DEVNAME=/dev/gpiochip0\nE: MAJOR=254\nE: MINOR=0\n" \
	"A: dev=254:0\\n\n"

/* The links udev makes (relative, as udev writes them): by-id and the
 * names rig/dist/60-rig.rules gives the two adapters. */
#define HW_LINKS                                                                   \
	{ "serial/by-id/usb-FTDI_USB-RS422_Cable_FT4ILD01-if00-port0", "../../ttyUSB0" }, \
	{ "serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001PEN7-if00-port0", \
	  "../../ttyUSB1" },                                                       \
	{ "rig-laser", "ttyUSB0" },                                                \
	{ "rig-pen", "ttyUSB1" },

#endif
